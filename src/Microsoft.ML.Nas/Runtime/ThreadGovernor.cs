using System.Diagnostics;
using TorchSharp;

namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// Lowers libtorch's thread count while other processes keep processors busy, and raises it again when they stop.
/// </summary>
/// <remarks>
/// libtorch splits each op across its OpenMP threads and waits for the slowest. When another process shares a core,
/// the thread on that core is descheduled and every op waits for it: on a 2-core machine with one competing core-bound
/// process an ENAS step ran 2–4× slower with 2 threads than with 1, and the controller's small ops up to 3.6×, while
/// OpenMP's wait policies (passive, shorter spins) cost 10–60 % on a quiet machine and did not help under load
/// (<c>Microsoft.ML.Nas.Benchmarks busy-threads</c>). So the count follows the load: every second the loop asks the
/// kernel how many processors other processes used, and when a new count holds for two readings in a row, it is set.
/// Only an unpinned count on the CPU adapts (a pinned <c>Threads</c> never changes, and on CUDA the host threads only
/// launch kernels); where <c>/proc</c> is missing (not Linux) the count stays fixed.
/// A thread count changes how libtorch splits sums, so a run that changed its count is not bit-identical to one that
/// did not; a quiet machine never changes it, and pinning <c>Threads</c> makes a busy one reproducible too.
/// </remarks>
internal sealed class ThreadGovernor
{
    /// <summary>How often the load is read.</summary>
    internal static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Readings that must agree before the count changes (so a short burst of load moves nothing).</summary>
    private const int AgreeingReadings = 2;

    /// <summary>The source of readings for new governors; the tests replace it to play a load and restore it after.</summary>
    internal static ICpuLoadReader Reader { get; set; } = ProcCpuLoadReader.Instance;

    private readonly ICpuLoadReader? reader;
    private readonly Action<string>? log;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private CpuSample? last;
    private TimeSpan lastReading;
    private int proposed, agreeing;

    private ThreadGovernor(int maximum, ICpuLoadReader? reader, Action<string>? log)
    {
        Maximum = maximum;
        Current = maximum;
        this.reader = reader;
        this.log = log;
    }

    /// <summary>A governor that adapts <paramref name="maximum"/> threads down to the free processors, reading the load from <see cref="Reader"/>.</summary>
    internal static ThreadGovernor Adaptive(int maximum, Action<string>? log) => new(maximum, Reader, log);

    /// <summary>A governor that keeps <paramref name="threads"/> (pinned by an option, or a device whose host threads do not matter).</summary>
    internal static ThreadGovernor Fixed(int threads) => new(threads, reader: null, log: null);

    /// <summary>The count in effect when no load is seen.</summary>
    public int Maximum { get; }

    /// <summary>The count in effect now.</summary>
    public int Current { get; private set; }

    /// <summary>Whether the count follows the load.</summary>
    public bool Adapts => reader is not null;

    /// <summary>
    /// The loop calls this before every step: at most once per <see cref="Interval"/> it reads the load and, when the
    /// same new count has been proposed by <see cref="AgreeingReadings"/> readings in a row, sets it.
    /// </summary>
    public void BeforeStep()
    {
        if (reader is null || (last is not null && clock.Elapsed - lastReading < Interval))
        {
            return;
        }
        var now = reader.Read();
        lastReading = clock.Elapsed;
        if (now is not { } reading)
        {
            return;
        }
        var earlier = last;
        last = reading;
        if (earlier is null)
        {
            return;
        }
        double othersBusy = reading.OthersBusyProcessorsSince(earlier.Value);
        int target = Target(othersBusy, reading.Processors, Maximum);
        if (target == Current)
        {
            agreeing = 0;
            return;
        }
        agreeing = target == proposed ? agreeing + 1 : 1;
        proposed = target;
        if (agreeing >= AgreeingReadings)
        {
            log?.Invoke($"Threads: {Current} -> {target} (other processes keep {othersBusy:F1} of {reading.Processors} processors busy).");
            Set(target);
        }
    }

    /// <summary>Back to <see cref="Maximum"/>, e.g. when a training ends (scoring and the next training start from it).</summary>
    public void Restore()
    {
        agreeing = 0;
        last = null;
        if (Current != Maximum)
        {
            Set(Maximum);
        }
    }

    /// <summary>
    /// The threads that fit beside <paramref name="othersBusy"/> busy processors of <paramref name="processors"/>: the
    /// free processors, where one that others keep more than a quarter busy is not free, from 1 to <paramref name="maximum"/>.
    /// </summary>
    internal static int Target(double othersBusy, int processors, int maximum)
    {
        // A quarter of slack keeps background daemons (a few per cent) from costing a thread, while one process that
        // keeps a core busy (≈1.0) takes that core away.
        double free = processors - othersBusy + 0.25;
        return Math.Clamp((int)Math.Floor(free), 1, maximum);
    }

    private void Set(int threads)
    {
        torch.set_num_threads(threads);
        Current = threads;
        agreeing = 0;
    }
}
