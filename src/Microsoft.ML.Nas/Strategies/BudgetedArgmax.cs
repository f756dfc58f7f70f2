using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// How a strategy that ranks candidates by learned weights (DARTS, ProxylessNAS) exports within its
/// <see cref="ArchitectureBudget"/> (<see cref="OneShotTrainerOptions.MaxParameters"/>, <see cref="OneShotTrainerOptions.MaxLatency"/>):
/// its own export when that fits; otherwise the LayerChoices it keeps (an edge it dropped stays dropped) are decided
/// again one by one in the space's order, each taking its strongest candidate that still leaves room, under every
/// bound, for the cheapest candidate of every later one. Earlier decisions keep their favourite as long as the budget
/// allows. Only candidates the search still runs are taken (P-DARTS drops some between its stages): "cheapest" and
/// "strongest" are among those. With one bound the result always fits when the smallest network those candidates make
/// does, and otherwise the error names that smallest value; with two, the cheapest candidates under each may differ,
/// and a combination no order reaches is an error naming both.
/// </summary>
internal static class BudgetedArgmax
{
    /// <param name="space">The searched space.</param>
    /// <param name="exported">The strategy's export without a budget.</param>
    /// <param name="strengths">Per LayerChoice key, a strength per candidate (extra entries, such as DARTS's "none", are ignored).</param>
    /// <param name="budget">The budget.</param>
    /// <param name="kept">Per LayerChoice key, the candidates the search still runs (a key it does not name keeps all); null when it runs all.</param>
    public static Architecture Fit(ModelSearchSpace space, Architecture exported, IReadOnlyDictionary<string, float[]> strengths, ArchitectureBudget budget,
        IReadOnlyDictionary<string, bool[]>? kept = null)
    {
        if (budget.Fits(exported))
        {
            return exported;
        }
        var limits = budget.Limits;
        var chosen = ArchitectureResolver.ToMasks(exported, space);
        var decided = space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice && chosen[d.Key].Any(c => c)).ToList();
        bool Runs(DecisionInfo decision, int candidate) => kept?.GetValueOrDefault(decision.Key)?[candidate] ?? true;
        double Cheapest(IArchitectureCost cost, DecisionInfo decision) =>
            Enumerable.Range(0, decision.CandidateCount).Where(i => Runs(decision, i)).Min(i => cost.Cost(decision.Key, i));
        var used = limits.Select(l => l.Cost.Fixed).ToArray();
        var laterMinimum = limits.Select(l => decided.Sum(d => Cheapest(l.Cost, d))).ToArray();
        var unreachable = Enumerable.Range(0, limits.Count).Where(l => used[l] + laterMinimum[l] > limits[l].Max).ToList();
        if (unreachable.Count > 0)
        {
            throw new InvalidOperationException(
                $"No architecture with {budget} keeps the edges and the candidates the search kept: the least they allow is " +
                $"{string.Join(" and ", unreachable.Select(l => limits[l].Cost.Describe(used[l] + laterMinimum[l])))}; raise {budget.Options}.");
        }
        foreach (var decision in decided)
        {
            for (int l = 0; l < limits.Count; l++)
            {
                laterMinimum[l] -= Cheapest(limits[l].Cost, decision);
            }
            var weights = strengths[decision.Key];
            int pick = Enumerable.Range(0, decision.CandidateCount)
                .Where(i => Runs(decision, i))
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
