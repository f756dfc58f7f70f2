using System.Globalization;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Visualization.Graphs;

namespace Microsoft.ML.Nas.Visualization.Pictures;

/// <summary>
/// Any search space, from its decisions alone: a box per LayerChoice with the candidate it chose, a box per
/// InputChoice with arrows from the inputs it may take (solid when chosen, faint when not), and a box for each scope
/// or anonymous input those arrows come from. It knows nothing of the data flow between layers, so it draws none.
/// </summary>
internal static class GenericPicture
{
    private const int ColumnLength = 8;
    private const int PathLength = 36;

    public static ArchitectureGraph Draw(ChosenCandidates chosen)
    {
        var space = chosen.Space;
        var panel = new GraphPanel($"{space.DecisionCount} decisions");
        var linked = space.Decisions.Where(d => d.Kind == MutableKind.InputChoice)
            .SelectMany(d => d.ChooseFrom.Append(d.Key)).ToHashSet(StringComparer.Ordinal);
        int isolated = 0;
        foreach (var decision in space.Decisions)
        {
            var lines = new List<string> { decision.Key, decision.Kind == MutableKind.LayerChoice ? chosen.Label(decision.Key) : Kept(chosen, decision) };
            if (decision.Paths.Count > 0 && decision.Paths[0].Length > 0)
            {
                lines.Add("at " + Shorten(decision.Paths[0]));
            }
            var kind = decision.Kind == MutableKind.LayerChoice ? NodeKind.Operation : NodeKind.State;
            // Boxes no arrow touches are stacked in columns of a few, not one tall column.
            if (linked.Contains(decision.Key))
            {
                panel.Add(decision.Key, kind, [.. lines]);
            }
            else
            {
                panel.AddInColumn(decision.Key, isolated++ / ColumnLength, kind, [.. lines]);
            }
        }
        foreach (var decision in space.Decisions.Where(d => d.Kind == MutableKind.InputChoice))
        {
            var kept = chosen.Indices(decision.Key).ToHashSet();
            for (int i = 0; i < decision.CandidateCount; i++)
            {
                string source = Source(panel, decision, i);
                panel.Connect(source, decision.Key, style: kept.Contains(i) ? EdgeStyle.Solid : EdgeStyle.Faint);
            }
        }
        return new ArchitectureGraph("Architecture", "Each box is one decision and what it chose; arrows are InputChoice inputs (solid: chosen).", [panel]);
    }

    private static string Kept(ChosenCandidates chosen, DecisionInfo decision)
    {
        var names = chosen.Names(decision.Key);
        return names.Count == 0 ? "keeps nothing" : "keeps " + string.Join(", ", names);
    }

    private static string Source(GraphPanel panel, DecisionInfo decision, int index)
    {
        string key = decision.ChooseFrom[index];
        if (key.Length == 0)
        {
            key = string.Create(CultureInfo.InvariantCulture, $"{decision.Key} input {index}");
            panel.Add(key, NodeKind.Input, $"input {index}", $"of {decision.Key}");
        }
        else if (!panel.Contains(key))
        {
            panel.Add(key, NodeKind.Fixed, key, "scope");
        }
        return key;
    }

    private static string Shorten(string path) => path.Length <= PathLength ? path : "…" + path[^(PathLength - 1)..];
}
