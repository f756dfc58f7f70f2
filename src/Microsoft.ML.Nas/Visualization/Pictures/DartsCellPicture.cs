using System.Globalization;
using Microsoft.ML.Nas.Visualization.Graphs;

namespace Microsoft.ML.Nas.Visualization.Pictures;

/// <summary>
/// DARTS cells as the paper draws its genotypes: per cell type the two inputs c_{k−2} and c_{k−1}, the intermediate
/// nodes, each fed by the two edges its switch kept (labelled with the op each edge chose), and the output c_{k},
/// the concatenation of the nodes. Reads the keys <c>{normal|reduce}_n{d}_p{i}</c> and <c>{normal|reduce}_n{d}_switch</c>.
/// </summary>
internal static class DartsCellPicture
{
    private const string PreviousPrevious = "c_{k-2}";
    private const string Previous = "c_{k-1}";
    private const string Output = "c_{k}";

    public static ArchitectureGraph Draw(ChosenCandidates chosen)
    {
        var panels = new List<GraphPanel>();
        foreach (var (type, title) in new[] { ("normal", "Normal cell"), ("reduce", "Reduction cell (edges from c_{k-2} and c_{k-1} at stride 2)") })
        {
            if (chosen.Has(Switch(type, 2)))
            {
                panels.Add(Cell(chosen, type, title));
            }
        }
        return new ArchitectureGraph("DARTS cells", "Each node sums the edges its switch kept, each with the op it chose; the output concatenates the nodes.", panels);
    }

    /// <summary>How many kept edges of a cell type chose a skip connection (a cell full of them is DARTS's collapse).</summary>
    public static (int Skips, int Kept) SkipConnections(ChosenCandidates chosen, string type)
    {
        int skips = 0, kept = 0;
        for (int depth = 2; chosen.Has(Switch(type, depth)); depth++)
        {
            foreach (int input in chosen.Indices(Switch(type, depth)))
            {
                kept++;
                skips += chosen.Names(Edge(type, depth, input)).Any(n => n.StartsWith(Spaces.Ops.DartsOps.SkipConnect, StringComparison.Ordinal)) ? 1 : 0;
            }
        }
        return (skips, kept);
    }

    private static GraphPanel Cell(ChosenCandidates chosen, string type, string title)
    {
        var panel = new GraphPanel(title);
        panel.Add(PreviousPrevious, NodeKind.Input, PreviousPrevious, "two cells back");
        panel.Add(Previous, NodeKind.Input, Previous, "previous cell");
        var nodes = new List<string>();
        for (int depth = 2; chosen.Has(Switch(type, depth)); depth++)
        {
            string id = Node(depth);
            panel.Add(id, NodeKind.State, id, "sum");
            nodes.Add(id);
            foreach (int input in chosen.Indices(Switch(type, depth)))
            {
                string source = input switch { 0 => PreviousPrevious, 1 => Previous, _ => Node(input) };
                panel.Connect(source, id, chosen.Label(Edge(type, depth, input)));
            }
        }
        panel.Add(Output, NodeKind.Output, Output, "concat");
        foreach (var node in nodes)
        {
            panel.Connect(node, Output, style: EdgeStyle.Faint);
        }
        return panel;
    }

    // Nodes are numbered from 0, as in the DARTS paper's figures; key depths start at 2 after the two inputs.
    private static string Node(int depth) => (depth - 2).ToString(CultureInfo.InvariantCulture);

    private static string Switch(string type, int depth) => string.Create(CultureInfo.InvariantCulture, $"{type}_n{depth}_switch");

    private static string Edge(string type, int depth, int input) => string.Create(CultureInfo.InvariantCulture, $"{type}_n{depth}_p{input}");
}
