using System.Diagnostics;
using Microsoft.ML.Nas.Strategies;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// <see cref="NasOptions.TimeBudget"/> over one Fit: its clock starts with Fit, the search gets its share of what is
/// left when it starts, and the final training what is left after the search, less a moment for building the model.
/// </summary>
internal sealed class FitTimeBudget(TimeSpan? budget, double searchFraction)
{
    /// <summary>Under a Fit's budget the epoch counts do not decide: this bound only keeps a plan finite.</summary>
    internal const int MaxEpochs = 100_000;

    /// <summary>Kept for what follows the final training (the model's payload, the transformer): 1 % of the budget.</summary>
    private const double WrapUpFraction = 0.01;

    private readonly Stopwatch clock = Stopwatch.StartNew();

    /// <summary>The time left of the budget; null without one.</summary>
    public TimeSpan? Left => budget is { } length ? (length > clock.Elapsed ? length - clock.Elapsed : TimeSpan.Zero) : null;

    /// <summary>The search's budget, or null to run the search options' own (epochs or budget).</summary>
    public TimeBudget? ForSearch() => budget is null ? null : Phase(Left!.Value * searchFraction);

    /// <summary>The final training's budget, or null to run the final options' own.</summary>
    public TimeBudget? ForFinal() => budget is { } length ? Phase(Left!.Value - length * WrapUpFraction) : null;

    // A phase that finds no time left still runs one step, so that it ends with a usable result.
    private static TimeBudget Phase(TimeSpan length) => new(length > TimeSpan.Zero ? length : TimeSpan.FromTicks(1), MaxEpochs);
}
