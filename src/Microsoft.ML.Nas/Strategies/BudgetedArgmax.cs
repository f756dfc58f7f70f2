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
/// and a combination no order reaches is an error naming both. With <see cref="Cap"/>s (the collapse guard's) a
/// candidate a cap counts is taken only while its cell has room under that cap, and the room left for later choices
/// counts the caps too; when no order finds an architecture within both the budget and the caps, the caps give way
/// (and a log line says so), since the budget is the user's hard limit.
/// </summary>
internal static class BudgetedArgmax
{
    /// <summary>At most <paramref name="Max"/> candidates that <paramref name="Counts"/> marks (per LayerChoice key) in each of <paramref name="Cells"/>.</summary>
    /// <param name="Max">The most counted candidates a cell keeps.</param>
    /// <param name="Counts">Per LayerChoice key, whether each candidate counts (a key it does not name counts none).</param>
    /// <param name="Cells">The LayerChoice keys of each cell.</param>
    /// <param name="What">What is counted, for the log ("parameter-free ops").</param>
    public sealed record Cap(int Max, IReadOnlyDictionary<string, bool[]> Counts, IReadOnlyList<IReadOnlyList<string>> Cells, string What);

    /// <param name="space">The searched space.</param>
    /// <param name="exported">The strategy's export without a budget.</param>
    /// <param name="strengths">Per LayerChoice key, a strength per candidate (extra entries, such as DARTS's "none", are ignored).</param>
    /// <param name="budget">The budget.</param>
    /// <param name="kept">Per LayerChoice key, the candidates the search still runs (a key it does not name keeps all); null when it runs all.</param>
    /// <param name="caps">Caps per cell that the export honours while the budget allows (<see cref="Cap"/>); null for none.</param>
    /// <param name="log">Where a cap that gave way is reported.</param>
    public static Architecture Fit(ModelSearchSpace space, Architecture exported, IReadOnlyDictionary<string, float[]> strengths, ArchitectureBudget budget,
        IReadOnlyDictionary<string, bool[]>? kept = null, IReadOnlyList<Cap>? caps = null, Action<string>? log = null)
    {
        if (budget.Fits(exported))
        {
            return exported;
        }
        if (caps is { Count: > 0 })
        {
            if (Decide(space, exported, strengths, budget, kept, caps) is { } capped)
            {
                return capped;
            }
            log?.Invoke($"Budget: no architecture within {budget} keeps {string.Join(" and ", caps.Select(c => $"at most {c.Max} {c.What} per cell"))}; " +
                "the budget wins, and the export may keep more.");
        }
        return Decide(space, exported, strengths, budget, kept, []) ?? throw new InvalidOperationException(
            $"No architecture with {budget} was found by deciding the kept choices in order ({budget.DescribeSmallest()}; the cheapest candidates under different bounds can differ); raise {budget.Options}.");
    }

    // The kept choices decided again in order within the budget and the caps; null when the greedy order finds none.
    private static Architecture? Decide(ModelSearchSpace space, Architecture exported, IReadOnlyDictionary<string, float[]> strengths, ArchitectureBudget budget,
        IReadOnlyDictionary<string, bool[]>? kept, IReadOnlyList<Cap> caps)
    {
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
        var room = new CapRoom(caps);
        for (int d = 0; d < decided.Count; d++)
        {
            var decision = decided[d];
            for (int l = 0; l < limits.Count; l++)
            {
                laterMinimum[l] -= Cheapest(limits[l].Cost, decision);
            }
            var later = decided.Skip(d + 1).ToList();
            var weights = strengths[decision.Key];
            bool LeavesRoom(int i)
            {
                // Without caps the later choices' least cost is fixed; with them it depends on the room this pick leaves.
                var after = caps.Count == 0 ? null : room.After(decision.Key, i);
                return Enumerable.Range(0, limits.Count).All(l =>
                    used[l] + limits[l].Cost.Cost(decision.Key, i) + (after?.Minimum(limits[l].Cost, later, Runs) ?? laterMinimum[l]) <= limits[l].Max);
            }
            int pick = Enumerable.Range(0, decision.CandidateCount)
                .Where(i => Runs(decision, i) && room.Allows(decision.Key, i))
                .OrderByDescending(i => weights[i]).ThenBy(i => i)
                .Where(LeavesRoom)
                .DefaultIfEmpty(-1).First();
            if (pick < 0)
            {
                return null;
            }
            room.Take(decision.Key, pick);
            for (int l = 0; l < limits.Count; l++)
            {
                used[l] += limits[l].Cost.Cost(decision.Key, pick);
            }
            chosen[decision.Key] = Enumerable.Range(0, decision.CandidateCount).Select(i => i == pick).ToArray();
        }
        var fitted = ArchitectureResolver.FromMasks(space, chosen);
        return budget.Fits(fitted) ? fitted : null;
    }

    /// <summary>
    /// The room each cell has left under each cap while choices are decided: whether a candidate still fits, and the
    /// least a set of later choices can cost within it (per choice its cheapest uncounted candidate, then the largest
    /// savings a counted one offers, taken while every cap that counts it has room in the choice's cell).
    /// </summary>
    private sealed class CapRoom
    {
        private readonly IReadOnlyList<Cap> caps;
        private readonly IReadOnlyList<Dictionary<string, int>> cellOf;
        private readonly int[][] left;

        public CapRoom(IReadOnlyList<Cap> caps)
        {
            this.caps = caps;
            cellOf = caps.Select(cap => cap.Cells.SelectMany((keys, cell) => keys.Select(key => (key, cell)))
                .GroupBy(e => e.key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().cell, StringComparer.Ordinal)).ToList();
            left = caps.Select(cap => Enumerable.Repeat(cap.Max, cap.Cells.Count).ToArray()).ToArray();
        }

        private CapRoom(CapRoom other)
        {
            caps = other.caps;
            cellOf = other.cellOf;
            left = other.left.Select(l => (int[])l.Clone()).ToArray();
        }

        public bool Allows(string key, int candidate) => Slots(key, candidate).All(s => left[s.Cap][s.Cell] > 0);

        public void Take(string key, int candidate)
        {
            foreach (var (cap, cell) in Slots(key, candidate))
            {
                left[cap][cell]--;
            }
        }

        public CapRoom After(string key, int candidate)
        {
            var next = new CapRoom(this);
            next.Take(key, candidate);
            return next;
        }

        public double Minimum(IArchitectureCost cost, IReadOnlyList<DecisionInfo> later, Func<DecisionInfo, int, bool> runs)
        {
            var room = new CapRoom(this);
            double total = 0;
            var forced = new List<(string Key, int Candidate)>();
            var offers = new List<(double Saving, string Key, int Candidate)>();
            foreach (var decision in later)
            {
                var candidates = Enumerable.Range(0, decision.CandidateCount).Where(i => runs(decision, i)).ToList();
                var uncounted = candidates.Where(i => !room.Slots(decision.Key, i).Any()).ToList();
                var counted = candidates.Except(uncounted).OrderBy(i => cost.Cost(decision.Key, i)).Take(1).ToList();
                if (uncounted.Count == 0)
                {
                    forced.AddRange(counted.Select(i => (decision.Key, i)));
                    continue;
                }
                double cheapest = uncounted.Min(i => cost.Cost(decision.Key, i));
                total += cheapest;
                offers.AddRange(counted.Where(i => cost.Cost(decision.Key, i) < cheapest).Select(i => (cheapest - cost.Cost(decision.Key, i), decision.Key, i)));
            }
            foreach (var (key, candidate) in forced)
            {
                if (!room.Allows(key, candidate))
                {
                    return double.PositiveInfinity;
                }
                room.Take(key, candidate);
                total += cost.Cost(key, candidate);
            }
            foreach (var (saving, key, candidate) in offers.OrderByDescending(o => o.Saving))
            {
                if (room.Allows(key, candidate))
                {
                    room.Take(key, candidate);
                    total -= saving;
                }
            }
            return total;
        }

        private IEnumerable<(int Cap, int Cell)> Slots(string key, int candidate)
        {
            for (int c = 0; c < caps.Count; c++)
            {
                if (caps[c].Counts.TryGetValue(key, out var counts) && counts[candidate] && cellOf[c].TryGetValue(key, out int cell))
                {
                    yield return (c, cell);
                }
            }
        }
    }
}
