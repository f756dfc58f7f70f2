using System.Diagnostics;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// A training's time budget as the loop keeps it: the first epoch is timed, the epochs (and with them the cosine
/// schedule) are sized to what fits, a late run plans fewer, and an epoch is cut short when its next step would not
/// end in time. What is left at the end covers the validation and the strategy's export.
/// </summary>
internal sealed class TimeBudget
{
    /// <summary>
    /// Kept free at the end of the budget for what follows the last step (validation, an export that scores sampled
    /// architectures, the weight average's copy): this fraction of the budget, plus the longest validation seen.
    /// </summary>
    internal const double ReserveFraction = 0.03;

    /// <summary>The finished epochs (after the first) whose mean time plans the rest.</summary>
    private const int RecentEpochs = 3;

    private readonly Stopwatch stopwatch = new();
    private readonly Func<TimeSpan> elapsed;
    private readonly Dictionary<string, (double TotalSeconds, int Count)> steps = new(StringComparer.Ordinal);
    private readonly List<double> epochSeconds = [];
    private double longestValidationSeconds;
    private int plans;

    /// <param name="length">The time the training may take.</param>
    /// <param name="maxEpochs">The most epochs it may run (the options' <c>Epochs</c>, or a large bound where the budget alone decides).</param>
    public TimeBudget(TimeSpan length, int maxEpochs) : this(length, maxEpochs, null)
    {
    }

    /// <summary>A budget read from <paramref name="clock"/> (the tests' own), or from a stopwatch that <see cref="Start"/> runs.</summary>
    internal TimeBudget(TimeSpan length, int maxEpochs, Func<TimeSpan>? clock)
    {
        elapsed = clock ?? (() => stopwatch.Elapsed);
        if (length <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A time budget must be positive.");
        }
        Length = length;
        MaxEpochs = Math.Max(1, maxEpochs);
        PlannedEpochs = MaxEpochs;
    }

    /// <summary>The time the training may take.</summary>
    public TimeSpan Length { get; }

    /// <summary>The most epochs it may run.</summary>
    public int MaxEpochs { get; }

    /// <summary>The epochs planned now: <see cref="MaxEpochs"/> until the first epoch's steps are timed.</summary>
    public int PlannedEpochs { get; private set; }

    /// <summary>Whether an epoch was cut short because its next step would not have ended in time.</summary>
    public bool CutShort { get; private set; }

    /// <summary>The time left, never negative.</summary>
    public TimeSpan Left
    {
        get
        {
            var now = elapsed();
            return Length > now ? Length - now : TimeSpan.Zero;
        }
    }

    /// <summary>Time spent since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => elapsed();

    private double ReserveSeconds => Length.TotalSeconds * ReserveFraction + longestValidationSeconds;

    /// <summary>Starts (or continues) the clock when training starts.</summary>
    public void Start() => stopwatch.Start();

    /// <summary>Stops the clock when training ends.</summary>
    public void Stop() => stopwatch.Stop();

    /// <summary>
    /// Whether a step of <paramref name="phase"/> still fits: its mean duration so far, added to the time spent, must
    /// end before the reserve. A phase not timed yet always fits (it has to run once to be timed).
    /// </summary>
    public bool StepFits(string phase)
    {
        if (!steps.TryGetValue(phase, out var timed))
        {
            return !CutShort;
        }
        bool fits = elapsed().TotalSeconds + timed.TotalSeconds / timed.Count <= Length.TotalSeconds - ReserveSeconds;
        CutShort |= !fits;
        return fits;
    }

    /// <summary>Records that a step of <paramref name="phase"/> took <paramref name="duration"/>.</summary>
    public void StepTook(string phase, TimeSpan duration)
    {
        var timed = steps.GetValueOrDefault(phase);
        steps[phase] = (timed.TotalSeconds + duration.TotalSeconds, timed.Count + 1);
    }

    /// <summary>
    /// While the first epoch runs: a guess of the epochs that fit from its <paramref name="stepsDone"/> steps of
    /// <paramref name="stepsInEpoch"/> so far, renewed after every step, so progress reports show a count from the first
    /// step on (the plan made when the epoch's steps end replaces it).
    /// </summary>
    public int GuessDuringFirstEpoch(int stepsDone, int stepsInEpoch, TimeSpan elapsedInEpoch)
    {
        if (epochSeconds.Count > 0 || stepsDone < 1)
        {
            return PlannedEpochs;
        }
        double perEpoch = elapsedInEpoch.TotalSeconds / stepsDone * stepsInEpoch;
        double usable = Length.TotalSeconds - ReserveSeconds;
        return PlannedEpochs = perEpoch > 0 ? Math.Clamp((int)Math.Floor(usable / perEpoch), 1, MaxEpochs) : MaxEpochs;
    }

    /// <summary>
    /// After the steps of <paramref name="epoch"/> (which took <paramref name="stepsTime"/>), before its validation:
    /// the epochs that fit, counting this one. Sized after the first epoch and again after the second, whose time holds
    /// no warm-up (the first epoch's allocations ran a whole search a third short). From then on the plan may still
    /// grow while the run is in its first third, and afterwards it is only lowered; an epoch cut short is the last.
    /// </summary>
    /// <remarks>
    /// Growing early gives back the time a slow early epoch took from the plan (another process busy for a while, the
    /// thread count lowered meanwhile): a plain CNN planned from one such epoch ended 80 s inside a 300 s budget. In the
    /// first third the cosine schedule is still flat (at least 75 % of its range), so a longer plan raises the rate by a
    /// few percent; later it would start a second warm schedule. The time per epoch is the mean of the last three after
    /// the first, so the plan follows a machine whose load changed.
    /// </remarks>
    public int PlanAfterSteps(int epoch, TimeSpan stepsTime)
    {
        if (CutShort)
        {
            return PlannedEpochs = epoch + 1;
        }
        // The finished epochs after the first (steps and validation); before two, this epoch's steps and the longest
        // validation seen.
        double perEpoch = epochSeconds.Count >= 2 ? epochSeconds.Skip(1).TakeLast(RecentEpochs).Average() : stepsTime.TotalSeconds + longestValidationSeconds;
        double left = Length.TotalSeconds - ReserveSeconds - elapsed().TotalSeconds;
        int more = perEpoch > 0 ? (int)Math.Floor(Math.Max(0, left) / perEpoch) : MaxEpochs;
        int fits = Math.Clamp(epoch + 1 + more, epoch + 1, MaxEpochs);
        bool mayGrow = plans < 2 || 3 * (epoch + 1) <= PlannedEpochs;
        PlannedEpochs = mayGrow ? fits : Math.Min(PlannedEpochs, fits);
        plans++;
        return PlannedEpochs;
    }

    /// <summary>Records a finished epoch: its whole time and its validation's.</summary>
    public void EpochTook(TimeSpan epochTime, TimeSpan validationTime)
    {
        epochSeconds.Add(epochTime.TotalSeconds);
        longestValidationSeconds = Math.Max(longestValidationSeconds, validationTime.TotalSeconds);
    }
}
