using System.Globalization;
using Microsoft.ML.Nas.Visualization.Graphs;

namespace Microsoft.ML.Nas.Visualization.Pictures;

/// <summary>
/// ENAS micro cells: per cell type the two inputs, the nodes (each the sum of two branches, an arrow from the input
/// each branch chose, labelled with its op), and the output, which concatenates every output no node took. Reads the
/// keys <c>{normal|reduce}_node_i_{x|y}_input</c> and <c>..._op</c>.
/// </summary>
internal static class EnasMicroPicture
{
    private const string PreviousPrevious = "h_{k-2}";
    private const string Previous = "h_{k-1}";
    private const string Output = "output";

    public static ArchitectureGraph Draw(ChosenCandidates chosen)
    {
        var panels = new List<GraphPanel>();
        foreach (var (type, title) in new[] { ("normal", "Normal cell"), ("reduce", "Reduction cell (after both inputs are halved in size)") })
        {
            if (chosen.Has(Branch(type, 0, "x") + "_op"))
            {
                panels.Add(Cell(chosen, type, title));
            }
        }
        return new ArchitectureGraph("ENAS micro cells",
            "Each node sums two branches (an op on the input it chose); the output concatenates what no node took, then a 1×1 conv.", panels);
    }

    private static GraphPanel Cell(ChosenCandidates chosen, string type, string title)
    {
        var panel = new GraphPanel(title);
        panel.Add(PreviousPrevious, NodeKind.Input, PreviousPrevious, "two cells back");
        panel.Add(Previous, NodeKind.Input, Previous, "previous cell");
        var ids = new List<string> { PreviousPrevious, Previous };
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int node = 0; chosen.Has(Branch(type, node, "x") + "_op"); node++)
        {
            string id = string.Create(CultureInfo.InvariantCulture, $"node {node}");
            panel.Add(id, NodeKind.State, id, "sum");
            foreach (var branch in new[] { "x", "y" })
            {
                string key = Branch(type, node, branch);
                foreach (int input in chosen.Indices(key + "_input"))
                {
                    panel.Connect(ids[input], id, chosen.Label(key + "_op"));
                    used.Add(ids[input]);
                }
            }
            ids.Add(id);
        }
        panel.Add(Output, NodeKind.Output, Output, "concat, 1×1 conv");
        foreach (var loose in ids.Where(id => !used.Contains(id)))
        {
            panel.Connect(loose, Output, style: EdgeStyle.Faint);
        }
        return panel;
    }

    private static string Branch(string type, int node, string branch) => string.Create(CultureInfo.InvariantCulture, $"{type}_node_{node}_{branch}");
}
