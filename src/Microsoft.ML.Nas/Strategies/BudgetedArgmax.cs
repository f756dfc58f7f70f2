using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// How a strategy that ranks candidates by learned weights (DARTS) exports within
/// <see cref="OneShotTrainerOptions.MaxParameters"/>: its own export when that fits; otherwise the LayerChoices it
/// keeps (an edge it dropped stays dropped) are decided again one by one in the space's order, each taking its
/// strongest candidate that still leaves room for the cheapest candidate of every later one. Earlier decisions keep
/// their favourite as long as the budget allows, and the result always fits when the space's smallest network does.
/// </summary>
internal static class BudgetedArgmax
{
    /// <param name="space">The searched space.</param>
    /// <param name="exported">The strategy's export without a budget.</param>
    /// <param name="strengths">Per LayerChoice key, a strength per candidate (extra entries, such as DARTS's "none", are ignored).</param>
    /// <param name="budget">The budget.</param>
    public static Architecture Fit(ModelSearchSpace space, Architecture exported, IReadOnlyDictionary<string, float[]> strengths, ParameterBudget budget)
    {
        if (budget.Fits(exported))
        {
            return exported;
        }
        var counter = budget.Counter;
        var chosen = ArchitectureResolver.ToMasks(exported, space);
        var kept = space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice && chosen[d.Key].Any(c => c)).ToList();
        long used = counter.Fixed;
        long laterMinimum = kept.Sum(d => counter.SmallestCost(d.Key));
        foreach (var decision in kept)
        {
            laterMinimum -= counter.SmallestCost(decision.Key);
            var weights = strengths[decision.Key];
            int pick = Enumerable.Range(0, decision.CandidateCount)
                .OrderByDescending(i => weights[i]).ThenBy(i => i)
                .Where(i => used + counter.Cost(decision.Key, i) + laterMinimum <= budget.Max)
                .DefaultIfEmpty(-1).First();
            if (pick < 0)
            {
                break;
            }
            used += counter.Cost(decision.Key, pick);
            chosen[decision.Key] = Enumerable.Range(0, decision.CandidateCount).Select(i => i == pick).ToArray();
        }
        var fitted = ArchitectureResolver.FromMasks(space, chosen);
        return budget.Fits(fitted) ? fitted : throw new InvalidOperationException(
            $"No architecture with {budget} was found by deciding the kept choices in order (LayerChoices nested in other candidates make the per-choice costs a lower bound); raise {nameof(OneShotTrainerOptions.MaxParameters)}.");
    }
}
