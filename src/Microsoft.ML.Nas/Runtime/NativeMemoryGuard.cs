namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// Decides, after each training pass, whether to hand the C heap's free pages back (<see cref="NativeHeap.Release"/>):
/// it does when resident memory exceeds the footprint of a pass that began on a just-released heap by more than
/// <see cref="Slack"/>.
/// </summary>
/// <remarks>
/// Releasing after every pass keeps the peak lowest but makes every pass fault its pages in again: +35% to +75% on a
/// DARTS step and +55% on a small ENAS child step in <c>tests/Microsoft.ML.Nas.Benchmarks</c>. A pass that starts on a
/// released heap shows how much memory it really needs; fragmentation then grows resident memory a little with each
/// pass, and the guard releases only once that growth passes the slack. The footprint it compares against is the
/// largest such clean pass seen, so passes that legitimately need more memory (a bigger sampled architecture) raise
/// the reference instead of causing a release after every pass.
/// </remarks>
public sealed class NativeMemoryGuard
{
    private readonly Func<long> residentBytes;
    private readonly Func<bool> release;
    private bool lastPassReleased;

    /// <summary>A guard over this process's resident memory and C heap.</summary>
    /// <param name="slack">Growth beyond the clean footprint tolerated before a release, as a fraction (0.1 = 10%).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slack"/> is negative or not a number.</exception>
    public NativeMemoryGuard(double slack = DefaultSlack) : this(slack, NativeHeap.ResidentBytes, NativeHeap.Release, NativeHeap.IsSupported)
    {
    }

    /// <summary>A guard over a given memory reading and release action (tests and other allocators).</summary>
    /// <param name="slack">Growth beyond the clean footprint tolerated before a release, as a fraction.</param>
    /// <param name="residentBytes">Reads the resident memory, in bytes.</param>
    /// <param name="release">Releases free memory; returns false when it could not.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slack"/> is negative or not a number.</exception>
    public NativeMemoryGuard(double slack, Func<long> residentBytes, Func<bool> release) : this(slack, residentBytes, release, enabled: true)
    {
    }

    private NativeMemoryGuard(double slack, Func<long> residentBytes, Func<bool> release, bool enabled)
    {
        if (!(slack >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(slack), slack, "The slack must be a non-negative fraction, such as 0.1 for 10%.");
        }
        ArgumentNullException.ThrowIfNull(residentBytes);
        ArgumentNullException.ThrowIfNull(release);
        Slack = slack;
        Enabled = enabled;
        this.residentBytes = residentBytes;
        this.release = release;
    }

    /// <summary>The slack used when none is given: 10%.</summary>
    public const double DefaultSlack = 0.1;

    /// <summary>Growth beyond the clean footprint tolerated before a release, as a fraction.</summary>
    public double Slack { get; }

    /// <summary>Whether releasing is possible here; when false, <see cref="AfterPass"/> does nothing.</summary>
    public bool Enabled { get; }

    /// <summary>The largest resident memory seen after a pass that began on a released heap, in bytes; null before one.</summary>
    public long? CleanFootprint { get; private set; }

    /// <summary>How many times the guard has released memory.</summary>
    public int Releases { get; private set; }

    /// <summary>Call after a pass, once its tensors are disposed. Returns whether memory was released.</summary>
    public bool AfterPass()
    {
        if (!Enabled)
        {
            return false;
        }
        long resident = residentBytes();
        if (lastPassReleased)
        {
            CleanFootprint = Math.Max(CleanFootprint ?? 0, resident);
        }
        bool outgrown = CleanFootprint is not { } footprint || resident > footprint * (1 + Slack);
        lastPassReleased = outgrown && release();
        if (lastPassReleased)
        {
            Releases++;
        }
        return lastPassReleased;
    }
}
