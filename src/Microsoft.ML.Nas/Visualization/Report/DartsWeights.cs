using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Nas.Visualization.Pictures;

namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>
/// Reads DARTS's architecture weights back from the history (<c>weight.{key}[i]</c> per epoch) into one
/// <see cref="EdgeWeights"/> per key, named and grouped by cell, with what the exported architecture kept.
/// </summary>
internal static partial class DartsWeights
{
    public static IReadOnlyList<EdgeWeights> Read(IReadOnlyList<ReportEpoch> search, ChosenCandidates chosen)
    {
        var lengths = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in search.SelectMany(e => e.Metrics.Keys))
        {
            var match = WeightName().Match(name);
            if (match.Success)
            {
                string key = match.Groups[1].Value;
                lengths[key] = Math.Max(lengths.GetValueOrDefault(key), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) + 1);
            }
        }
        // Keep the search space's decision order (cell by cell, node by node), not the keys' sort order.
        var order = chosen.Space.Decisions.Select((d, i) => (d.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
        return lengths.OrderBy(p => order.GetValueOrDefault(p.Key, int.MaxValue)).Select(p => Edge(p.Key, p.Value, search, chosen)).ToList();
    }

    private static EdgeWeights Edge(string key, int length, IReadOnlyList<ReportEpoch> search, ChosenCandidates chosen)
    {
        var names = chosen.Space.Contains(key) ? chosen.Space[key].CandidateNames.ToList() : [];
        var ops = names.Count == length ? names
            : names.Count + 1 == length ? [.. names, "none"]
            : Enumerable.Range(0, length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var perEpoch = search.Select(e => Enumerable.Range(0, length)
            .Select(i => e[string.Create(CultureInfo.InvariantCulture, $"weight.{key}[{i}]")]).ToArray()).ToList();
        int pick = chosen.Has(key) && chosen.Indices(key).Count > 0 ? chosen.Indices(key)[0] : -1;
        var cell = DartsEdge().Match(key);
        if (!cell.Success)
        {
            return new EdgeWeights(key, "Choices", key, ops, perEpoch, pick >= 0, pick);
        }
        string type = cell.Groups[1].Value;
        int depth = int.Parse(cell.Groups[2].Value, CultureInfo.InvariantCulture);
        int input = int.Parse(cell.Groups[3].Value, CultureInfo.InvariantCulture);
        string switchKey = string.Create(CultureInfo.InvariantCulture, $"{type}_n{depth}_switch");
        bool kept = chosen.Has(switchKey) ? chosen.Indices(switchKey).Contains(input) : pick >= 0;
        string source = input switch { 0 => "c_{k-2}", 1 => "c_{k-1}", _ => (input - 2).ToString(CultureInfo.InvariantCulture) };
        string label = string.Create(CultureInfo.InvariantCulture, $"{depth - 2} ← {source}");
        return new EdgeWeights(key, type == "normal" ? "Normal cell" : "Reduction cell", label, ops, perEpoch, kept, kept ? pick : -1);
    }

    [GeneratedRegex(@"^weight\.(.+)\[(\d+)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex WeightName();

    [GeneratedRegex(@"^(normal|reduce)_n(\d+)_p(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DartsEdge();
}
