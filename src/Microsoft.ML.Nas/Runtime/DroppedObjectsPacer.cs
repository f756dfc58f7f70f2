using System.Diagnostics;

namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// Frees what dropped TorchSharp objects hold (<see cref="DroppedTorchObjects.Free"/>) after training passes, but no
/// more often than keeps the collections within a share of the training time.
/// </summary>
/// <remarks>
/// A collection (a blocking full garbage collection, then the queued finalizers) costs about the same whatever the
/// pass. Against a DARTS pass of a second or more it is nothing, but ENAS's macro child steps take 40–60 ms on the
/// benchmark's CPU, so collecting after every one of them would be a visible share. Small passes also drop few objects
/// among small tensors, so freeing them every few passes keeps the heap as compact: in the ENAS benchmark the peaks
/// were 0.83–0.91 of PyTorch 1.13's on the same machine.
/// </remarks>
internal sealed class DroppedObjectsPacer
{
    private readonly Func<TimeSpan> clock;
    private readonly Action free;
    private TimeSpan? lastEnd;
    private TimeSpan lastCost;

    /// <summary>A pacer over the process's clock and <see cref="DroppedTorchObjects.Free"/>.</summary>
    /// <param name="timeShare">The largest share of the time the collections may take, such as 0.05.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeShare"/> is not in (0, 1].</exception>
    public DroppedObjectsPacer(double timeShare = DefaultTimeShare) : this(timeShare, MonotonicClock(), DroppedTorchObjects.Free)
    {
    }

    /// <summary>A pacer over a given clock and collection (tests).</summary>
    /// <param name="timeShare">The largest share of the time the collections may take.</param>
    /// <param name="clock">Reads a monotonic time.</param>
    /// <param name="free">Frees what dropped objects hold.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeShare"/> is not in (0, 1].</exception>
    public DroppedObjectsPacer(double timeShare, Func<TimeSpan> clock, Action free)
    {
        if (!(timeShare > 0 && timeShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(timeShare), timeShare, "The time share must be in (0, 1], such as 0.05 for 5%.");
        }
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(free);
        TimeShare = timeShare;
        this.clock = clock;
        this.free = free;
    }

    /// <summary>The share used when none is given: 5%.</summary>
    public const double DefaultTimeShare = 0.05;

    /// <summary>The largest share of the time the collections may take.</summary>
    public double TimeShare { get; }

    /// <summary>How many times the pacer has collected.</summary>
    public int Collections { get; private set; }

    /// <summary>Call after a pass: collects when the time since the last collection is long enough. Returns whether it collected.</summary>
    public bool AfterPass()
    {
        var now = clock();
        if (lastEnd is { } end && lastCost > (now - end) * TimeShare)
        {
            return false;
        }
        free();
        lastEnd = clock();
        lastCost = lastEnd.Value - now;
        Collections++;
        return true;
    }

    private static Func<TimeSpan> MonotonicClock()
    {
        var watch = Stopwatch.StartNew();
        return () => watch.Elapsed;
    }
}
