using System.Text;

namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>
/// Writes an <see cref="ArchitectureGraph"/> in Graphviz's DOT language, one cluster per panel, left to right, in the
/// colours of the SVG, for people who lay pictures out with Graphviz (<c>dot -Tpdf arch.dot -o arch.pdf</c>).
/// </summary>
internal static class GraphDotWriter
{
    public static string Write(ArchitectureGraph graph)
    {
        var dot = new StringBuilder();
        dot.Append("digraph architecture {\n");
        dot.Append($"  label={Quote($"{graph.Title}\n{graph.Caption}")}; labelloc=t; fontname=\"DejaVu Sans\";\n");
        dot.Append("  rankdir=LR; nodesep=0.3; ranksep=0.45;\n");
        dot.Append("  node [shape=box, style=\"rounded,filled\", fontname=\"DejaVu Sans\", fontsize=11];\n");
        dot.Append("  edge [fontname=\"DejaVu Sans\", fontsize=10];\n");
        for (int p = 0; p < graph.Panels.Count; p++)
        {
            var panel = graph.Panels[p];
            // Ids are per panel; the prefix keeps two cells' "c_{k}" apart.
            string Id(string id) => Quote($"p{p}:{id}");
            dot.Append($"  subgraph cluster_{p} {{\n    label={Quote(panel.Title)}; style=rounded; color=\"#e0e0e0\";\n");
            foreach (var node in panel.Nodes)
            {
                var (fill, stroke) = GraphStyle.Colors(node.Kind);
                dot.Append($"    {Id(node.Id)} [label={Quote(string.Join("\n", node.Lines))}, fillcolor=\"{fill}\", color=\"{stroke}\"];\n");
            }
            foreach (var edge in panel.Edges)
            {
                var (color, width, dash) = GraphStyle.Stroke(edge.Style);
                var attributes = new List<string> { $"color=\"{color}\"", $"penwidth={SvgFormat.N(width)}" };
                if (dash is not null)
                {
                    attributes.Add("style=dashed");
                }
                if (edge.Label is not null)
                {
                    attributes.Add($"label={Quote(edge.Label)}");
                    attributes.Add($"fontcolor=\"{GraphStyle.OpColor(edge.Label)}\"");
                }
                dot.Append($"    {Id(edge.From)} -> {Id(edge.To)} [{string.Join(", ", attributes)}];\n");
            }
            dot.Append("  }\n");
        }
        dot.Append("}\n");
        return dot.ToString();
    }

    /// <summary>A DOT string: quotes and backslashes escaped, new lines as DOT's centred line breaks.</summary>
    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
