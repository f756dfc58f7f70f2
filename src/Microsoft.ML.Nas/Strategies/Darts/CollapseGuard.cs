using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// The export's guard against DARTS's collapse into parameter-free ops (<see cref="DifferentiableTrainerOptions.MaxParameterFreeOpsPerCell"/>):
/// P-DARTS's rule (arXiv 1904.12760: at most M skip connections per normal cell, the weakest replaced and the cell's
/// edges chosen again) applied to every parameter-free candidate and to every cell, or to the candidates a
/// <see cref="Rule"/> counts (P-DARTS's own export: the skip connections of normal cells).
/// </summary>
internal static class CollapseGuard
{
    /// <summary>
    /// One edge whose parameter-free op the guard replaced: <paramref name="To"/> is its op with parameters, or null when
    /// its node keeps stronger edges instead (a replaced op weighs less than the skip it replaces).
    /// </summary>
    public sealed record Replacement(string Key, string From, string? To);

    /// <summary>
    /// A cap on the ops of one kind that a cell may keep: <see cref="Counts"/> says, per LayerChoice key, which
    /// candidates count (the family's guard: every parameter-free one; P-DARTS: the skip connections of normal cells).
    /// </summary>
    /// <param name="Max">The most counted ops a cell keeps.</param>
    /// <param name="Counts">Per LayerChoice key, whether each candidate counts.</param>
    /// <param name="What">What is counted, for logs ("parameter-free ops").</param>
    public sealed record Rule(int Max, IReadOnlyDictionary<string, bool[]> Counts, string What);

    /// <summary>The family's rule: at most <paramref name="max"/> parameter-free candidates per cell.</summary>
    public static Rule ParameterFree(ModelSearchSpace space, int max)
    {
        ArgumentNullException.ThrowIfNull(space);
        return new Rule(max, space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice)
            .ToDictionary(d => d.Key, ParameterFreeCandidates, StringComparer.Ordinal), "parameter-free ops");
    }

    /// <summary>
    /// The DARTS export of <paramref name="mutator"/> with at most <paramref name="maxParameterFree"/> parameter-free ops
    /// kept per cell, and the replacements that took. A cell whose parameter-free edges have no op with parameters to
    /// fall back on keeps them.
    /// </summary>
    public static (Architecture Architecture, IReadOnlyList<Replacement> Replacements) Export(DifferentiableMutator mutator, int maxParameterFree)
    {
        ArgumentNullException.ThrowIfNull(mutator);
        return Export(mutator, [ParameterFree(mutator.SearchSpace, maxParameterFree)]);
    }

    /// <summary>
    /// The DARTS export of <paramref name="mutator"/> within every one of <paramref name="rules"/>: while a cell keeps
    /// more counted ops than a rule allows, its weakest counted op (the smallest weight of the chosen op) is replaced by
    /// its edge's strongest candidate that no rule counts, and the cell's edges are chosen again. An edge is replaced once;
    /// one with no such candidate (or none the mutator still searches: <see cref="DifferentiableMutator.KeptCandidates"/>)
    /// keeps its op.
    /// </summary>
    public static (Architecture Architecture, IReadOnlyList<Replacement> Replacements) Export(DifferentiableMutator mutator, IReadOnlyList<Rule> rules)
    {
        ArgumentNullException.ThrowIfNull(mutator);
        ArgumentNullException.ThrowIfNull(rules);
        var space = mutator.SearchSpace;
        var weights = mutator.Weights();
        var cells = Cells(space);
        var excluded = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var replacedFrom = new List<(string Key, int From)>();
        var masks = mutator.ExportMasks(weights, excluded);
        while (Weakest(cells, masks, weights, rules, mutator.KeptCandidates, excluded) is { } weakest)
        {
            excluded[weakest.Key] = Enumerable.Range(0, space[weakest.Key].CandidateCount).Where(i => CountedByAny(rules, weakest.Key, i)).ToHashSet();
            replacedFrom.Add(weakest);
            masks = mutator.ExportMasks(weights, excluded);
        }
        var replacements = replacedFrom.Select(r => new Replacement(r.Key, Name(space, r.Key, r.From),
            Chosen(masks[r.Key]) is { } to ? Name(space, r.Key, to) : null)).ToList();
        return (mutator.Describe(masks), replacements);
    }

    /// <summary>
    /// The LayerChoice keys of each cell: a choice's cell is its enclosing MutableScope, or else the largest module
    /// around it in which no key occurs twice (the cells of a DARTS network share their keys by type, so each cell
    /// holds its keys once while the network holds them once per cell). Cells with the same keys are one cell.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Cells(ModelSearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var choices = space.Nodes.Where(n => n.Mutable.Kind == MutableKind.LayerChoice).ToList();
        var cells = new List<IReadOnlyList<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var choice in choices)
        {
            var keys = choice.Parent is { } scope ? KeysUnder(scope) : LargestCellAround(choice, choices);
            if (seen.Add(string.Join('\n', keys.Order(StringComparer.Ordinal))))
            {
                cells.Add(keys);
            }
        }
        return cells;
    }

    private static (string Key, int From)? Weakest(IReadOnlyList<IReadOnlyList<string>> cells, Dictionary<string, bool[]> masks,
        IReadOnlyDictionary<string, float[]> weights, IReadOnlyList<Rule> rules, IReadOnlyDictionary<string, bool[]>? kept,
        Dictionary<string, HashSet<int>> excluded)
    {
        foreach (var rule in rules)
        {
            foreach (var cell in cells)
            {
                var counted = cell.Select(key => (Key: key, Chosen: Chosen(masks[key])))
                    .Where(e => e.Chosen is { } c && rule.Counts.TryGetValue(e.Key, out var counts) && counts[c])
                    .Select(e => (e.Key, From: e.Chosen!.Value))
                    .ToList();
                if (counted.Count <= rule.Max)
                {
                    continue;
                }
                // Only an edge with a candidate left that no rule counts can be replaced; P-DARTS takes the weakest skip first.
                var replaceable = counted.Where(e => !excluded.ContainsKey(e.Key) && HasFallback(e.Key, masks[e.Key].Length, rules, kept)).ToList();
                if (replaceable.Count > 0)
                {
                    return replaceable.MinBy(e => weights[e.Key][e.From]);
                }
            }
        }
        return null;
    }

    private static bool HasFallback(string key, int candidates, IReadOnlyList<Rule> rules, IReadOnlyDictionary<string, bool[]>? kept) =>
        Enumerable.Range(0, candidates).Any(i => !CountedByAny(rules, key, i) && (kept?.GetValueOrDefault(key)?[i] ?? true));

    private static bool CountedByAny(IReadOnlyList<Rule> rules, string key, int candidate) =>
        rules.Any(rule => rule.Counts.TryGetValue(key, out var counts) && counts[candidate]);

    private static bool[] ParameterFreeCandidates(DecisionInfo decision)
    {
        var choice = decision.Mutables.OfType<LayerChoice>().First();
        return choice.Candidates.Select(candidate => !candidate.parameters().Any()).ToArray();
    }

    private static string[] KeysUnder(MutableNode scope) => Descendants(scope)
        .Where(n => n.Mutable.Kind == MutableKind.LayerChoice).Select(n => n.Mutable.Key).Distinct(StringComparer.Ordinal).ToArray();

    private static IEnumerable<MutableNode> Descendants(MutableNode node) => node.Children.SelectMany(child => Descendants(child).Prepend(child));

    private static string[] LargestCellAround(MutableNode choice, IReadOnlyList<MutableNode> choices)
    {
        var parts = choice.Path.Split('.');
        for (int depth = 0; depth <= parts.Length; depth++)
        {
            string prefix = string.Join('.', parts.Take(depth));
            var keys = choices.Where(n => depth == 0 || n.Path == prefix || n.Path.StartsWith(prefix + ".", StringComparison.Ordinal))
                .Select(n => n.Mutable.Key).ToList();
            if (keys.Distinct(StringComparer.Ordinal).Count() == keys.Count)
            {
                return [.. keys];
            }
        }
        return [choice.Mutable.Key];
    }

    private static int? Chosen(bool[] mask)
    {
        int index = Array.IndexOf(mask, true);
        return index < 0 ? null : index;
    }

    private static string Name(ModelSearchSpace space, string key, int index) => space[key].CandidateNames[index];
}
