namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// Decides, after each training pass, whether to hand the C heap's free pages back (<see cref="NativeHeap.Release"/>):
/// it does when resident memory exceeds the footprint measured over the passes that followed a release by more than
/// <see cref="Slack"/>.
/// </summary>
/// <remarks>
/// <para>Releasing after every pass keeps the peak lowest but makes every pass fault its pages in again: +35% to +75%
/// on a DARTS step and +55% on a small ENAS child step in <c>tests/Microsoft.ML.Nas.Benchmarks</c>. The passes that
/// follow a release show how much memory training really needs; fragmentation then grows resident memory a little
/// with each pass, and the guard releases only once that growth passes the slack.</para>
/// <para>The footprint is the largest resident memory after any of the <see cref="MeasuredPasses"/> passes that follow
/// a release, not after the first alone: a step's passes differ (DARTS's architecture pass holds less than its weight
/// pass), and a footprint taken from the smaller one made the larger one look like growth, so the guard released in
/// every step. The footprint only grows, so passes that legitimately need more memory (a bigger sampled
/// architecture) raise the reference instead of causing a release after every pass.</para>
/// </remarks>
internal sealed class NativeMemoryGuard
{
    private readonly Func<long> residentBytes;
    private readonly Func<bool> release;
    private int passesSinceRelease = -1;

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

    /// <summary>
    /// How many passes after a release are measured into the footprint (and never released after): enough to span a
    /// step of every built-in strategy, the longest being second-order DARTS with five.
    /// </summary>
    public const int MeasuredPasses = 8;

    /// <summary>Growth beyond the clean footprint tolerated before a release, as a fraction.</summary>
    public double Slack { get; }

    /// <summary>Whether releasing is possible here; when false, <see cref="AfterPass"/> does nothing.</summary>
    public bool Enabled { get; }

    /// <summary>The largest resident memory seen after a pass measured since a release, in bytes; null before one.</summary>
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
        if (passesSinceRelease is >= 0 and < MeasuredPasses)
        {
            passesSinceRelease++;
            CleanFootprint = Math.Max(CleanFootprint ?? 0, resident);
            return false;
        }
        bool outgrown = CleanFootprint is not { } footprint || resident > footprint * (1 + Slack);
        if (!outgrown || !release())
        {
            return false;
        }
        Releases++;
        passesSinceRelease = 0;
        return true;
    }
}
