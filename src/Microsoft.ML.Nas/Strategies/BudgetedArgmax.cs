using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// How a strategy that ranks candidates by learned weights (DARTS, ProxylessNAS) exports within its
/// <see cref="ArchitectureBudget"/> (<see cref="OneShotTrainerOptions.MaxParameters"/>, <see cref="OneShotTrainerOptions.MaxLatency"/>):
/// its own export when that fits; otherwise the LayerChoices it keeps (an edge it dropped stays dropped) are decided
/// again one by one in the space's order, each taking its strongest candidate that still leaves room, under every
/// bound, for the cheapest candidate of every later one. Earlier decisions keep their favourite as long as the budget
/// allows. With one bound the result always fits when the space's smallest network does; with two, the cheapest
/// candidates under each may differ, and a combination no order reaches is an error naming both.
/// </summary>
internal static class BudgetedArgmax
{
    /// <param name="space">The searched space.</param>
    /// <param name="exported">The strategy's export without a budget.</param>
    /// <param name="strengths">Per LayerChoice key, a strength per candidate (extra entries, such as DARTS's "none", are ignored).</param>
    /// <param name="budget">The budget.</param>
    public static Architecture Fit(ModelSearchSpace space, Architecture exported, IReadOnlyDictionary<string, float[]> strengths, ArchitectureBudget budget)
    {
        if (budget.Fits(exported))
        {
            return exported;
        }
        var limits = budget.Limits;
        var chosen = ArchitectureResolver.ToMasks(exported, space);
        var kept = space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice && chosen[d.Key].Any(c => c)).ToList();
        var used = limits.Select(l => l.Cost.Fixed).ToArray();
        var laterMinimum = limits.Select(l => kept.Sum(d => l.Cost.SmallestCost(d.Key))).ToArray();
        foreach (var decision in kept)
        {
            for (int l = 0; l < limits.Count; l++)
            {
                laterMinimum[l] -= limits[l].Cost.SmallestCost(decision.Key);
            }
            var weights = strengths[decision.Key];
            int pick = Enumerable.Range(0, decision.CandidateCount)
                .OrderByDescending(i => weights[i]).ThenBy(i => i)
                .Where(i => Enumerable.Range(0, limits.Count).All(l => used[l] + limits[l].Cost.Cost(decision.Key, i) + laterMinimum[l] <= limits[l].Max))
                .DefaultIfEmpty(-1).First();
            if (pick < 0)
            {
                break;
            }
            for (int l = 0; l < limits.Count; l++)
            {
                used[l] += limits[l].Cost.Cost(decision.Key, pick);
            }
            chosen[decision.Key] = Enumerable.Range(0, decision.CandidateCount).Select(i => i == pick).ToArray();
        }
        var fitted = ArchitectureResolver.FromMasks(space, chosen);
        return budget.Fits(fitted) ? fitted : throw new InvalidOperationException(
            $"No architecture with {budget} was found by deciding the kept choices in order ({budget.DescribeSmallest()}; the cheapest candidates under different bounds can differ); raise {budget.Options}.");
    }
}
