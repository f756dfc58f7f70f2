using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;

namespace Microsoft.ML.Nas.Visualization.Pictures;

/// <summary>
/// An architecture resolved against a search space, for drawing: what each decision chose, by index and by name,
/// whatever form the architecture wrote it in (names, indices, a mask or weights).
/// </summary>
internal sealed class ChosenCandidates
{
    private readonly Dictionary<string, Selection> selections;

    /// <exception cref="ArchitectureException">The architecture does not fit the space (missing or unknown keys, bad choices).</exception>
    public ChosenCandidates(ModelSearchSpace space, Architecture architecture)
    {
        Space = space;
        selections = ArchitectureResolver.Resolve(architecture, space, file: null).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    /// <summary>The space the architecture was resolved against.</summary>
    public ModelSearchSpace Space { get; }

    /// <summary>Whether the space has a decision <paramref name="key"/>.</summary>
    public bool Has(string key) => selections.ContainsKey(key);

    /// <summary>The chosen candidates' indices, ascending (non-zero weights count as chosen).</summary>
    public IReadOnlyList<int> Indices(string key) => selections[key].Chosen;

    /// <summary>The chosen candidates' names (their index where a candidate has no name), with the weight when weighted.</summary>
    public IReadOnlyList<string> Names(string key)
    {
        var decision = Space[key];
        var selection = selections[key];
        return selection.Chosen.Select(i =>
        {
            string name = decision.CandidateNames[i].Length > 0 ? decision.CandidateNames[i] : i.ToString(CultureInfo.InvariantCulture);
            return selection.Weighted ? string.Create(CultureInfo.InvariantCulture, $"{name} ×{selection.Values[i]:0.##}") : name;
        }).ToList();
    }

    /// <summary>The chosen names joined for a label, or "nothing" when none was chosen.</summary>
    public string Label(string key)
    {
        var names = Names(key);
        return names.Count == 0 ? "nothing" : string.Join(" + ", names);
    }
}
