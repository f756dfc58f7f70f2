using System.Text;
using static Microsoft.ML.Nas.Visualization.SvgFormat;

namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>
/// Writes an <see cref="ArchitectureGraph"/> as one standalone SVG: the title and caption, then each panel in a frame,
/// laid out by <see cref="LayeredLayout"/>. Only plain shapes, paths, text and markers, so browsers and the PNG
/// rasterizer draw it alike.
/// </summary>
internal static class GraphSvgWriter
{
    private const double Margin = 16;
    private const double PanelGap = 14;
    private const double PanelTitleHeight = 24;
    private const double HeaderHeight = 50;

    public static string Write(ArchitectureGraph graph)
    {
        var layouts = graph.Panels.Select(LayeredLayout.Place).ToList();
        double width = Math.Max(layouts.Select(l => l.Width).DefaultIfEmpty(0).Max(),
            Math.Max(TextWidth(graph.Title, 16, bold: true), TextWidth(graph.Caption, 12))) + 2 * Margin;
        double height = HeaderHeight + layouts.Sum(l => l.Height + PanelTitleHeight + PanelGap) - PanelGap + Margin / 2;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" ")
           .Append($"font-family=\"{FontFamily}\" role=\"img\" aria-label=\"{Escape(graph.Title)}\">\n");
        svg.Append($"<title>{Escape(graph.Title)}</title>\n");
        WriteMarkers(svg);
        svg.Append($"<rect x=\"0\" y=\"0\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"#ffffff\"/>\n");
        svg.Append($"<text x=\"{N(Margin)}\" y=\"26\" font-size=\"16\" font-weight=\"bold\" fill=\"#212121\">{Escape(graph.Title)}</text>\n");
        svg.Append($"<text x=\"{N(Margin)}\" y=\"43\" font-size=\"12\" fill=\"#616161\">{Escape(graph.Caption)}</text>\n");
        double y = HeaderHeight;
        foreach (var layout in layouts)
        {
            double panelHeight = layout.Height + PanelTitleHeight;
            svg.Append($"<g class=\"panel\" data-title=\"{Escape(layout.Panel.Title)}\">\n");
            svg.Append($"<rect x=\"{N(Margin / 2)}\" y=\"{N(y)}\" width=\"{N(width - Margin)}\" height=\"{N(panelHeight)}\" rx=\"8\" fill=\"#fafafa\" stroke=\"#e0e0e0\"/>\n");
            svg.Append($"<text x=\"{N(Margin)}\" y=\"{N(y + 17)}\" font-size=\"13\" font-weight=\"bold\" fill=\"#424242\">{Escape(layout.Panel.Title)}</text>\n");
            WritePanel(svg, layout, Margin / 2 + (width - Margin - layout.Width) / 2, y + PanelTitleHeight);
            svg.Append("</g>\n");
            y += panelHeight + PanelGap;
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void WriteMarkers(StringBuilder svg)
    {
        svg.Append("<defs>\n");
        foreach (var style in Enum.GetValues<EdgeStyle>())
        {
            var (color, _, _) = GraphStyle.Stroke(style);
            svg.Append($"<marker id=\"nas-arrow-{style.ToString().ToLowerInvariant()}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"5\" markerHeight=\"5\" orient=\"auto\">")
               .Append($"<path d=\"M0,1 L9,5 L0,9 z\" fill=\"{color}\"/></marker>\n");
        }
        svg.Append("</defs>\n");
    }

    private static void WritePanel(StringBuilder svg, PanelLayout layout, double dx, double dy)
    {
        svg.Append($"<g transform=\"translate({N(dx)},{N(dy)})\">\n");
        foreach (var edge in layout.Edges)
        {
            var (color, strokeWidth, dash) = GraphStyle.Stroke(edge.Edge.Style);
            string dashAttribute = dash is null ? "" : $" stroke-dasharray=\"{dash}\"";
            svg.Append($"<path class=\"edge\" d=\"{PathData(edge.Points)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{N(strokeWidth)}\"{dashAttribute} ")
               .Append($"marker-end=\"url(#nas-arrow-{edge.Edge.Style.ToString().ToLowerInvariant()})\"><title>{Escape(Describe(edge.Edge))}</title></path>\n");
        }
        foreach (var edge in layout.Edges.Where(e => e.Label is not null && e.Edge.Label is not null))
        {
            var (x, y, w, h) = edge.Label!.Value;
            svg.Append($"<g class=\"edge-label\"><rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{N(h)}\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.92\"/>")
               .Append($"<text x=\"{N(x + w / 2)}\" y=\"{N(y + h / 2 + GraphStyle.LabelFont * 0.36)}\" font-size=\"{N(GraphStyle.LabelFont)}\" text-anchor=\"middle\" ")
               .Append($"fill=\"{GraphStyle.OpColor(edge.Edge.Label!)}\">{Escape(edge.Edge.Label!)}</text></g>\n");
        }
        foreach (var node in layout.Nodes)
        {
            var (fill, stroke) = GraphStyle.Colors(node.Node.Kind);
            svg.Append($"<g class=\"node\" data-id=\"{Escape(node.Node.Id)}\"><title>{Escape(string.Join(" · ", node.Node.Lines))}</title>")
               .Append($"<rect x=\"{N(node.X)}\" y=\"{N(node.Y)}\" width=\"{N(node.Width)}\" height=\"{N(node.Height)}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.3\"/>");
            for (int i = 0; i < node.Node.Lines.Count; i++)
            {
                double baseline = node.Y + GraphStyle.PaddingY + GraphStyle.LineHeight * (i + 1) - 3.5;
                string font = i == 0 ? $"font-size=\"{N(GraphStyle.TitleFont)}\" font-weight=\"bold\" fill=\"#212121\"" : $"font-size=\"{N(GraphStyle.LineFont)}\" fill=\"{LineColor(node.Node, i)}\"";
                svg.Append($"<text x=\"{N(node.X + node.Width / 2)}\" y=\"{N(baseline)}\" text-anchor=\"middle\" {font}>{Escape(node.Node.Lines[i])}</text>");
            }
            svg.Append("</g>\n");
        }
        svg.Append("</g>\n");
    }

    // A searched layer's second line is the op it chose: coloured like the ops on arrows.
    private static string LineColor(GraphNode node, int line) =>
        node.Kind == NodeKind.Operation && line == 1 ? GraphStyle.OpColor(node.Lines[line]) : "#424242";

    private static string Describe(GraphEdge edge) => $"{edge.From} → {edge.To}{(edge.Label is null ? "" : $": {edge.Label}")}";

    /// <summary>Straight through a label's box, else cubic curves that leave and enter every point horizontally.</summary>
    private static string PathData(IReadOnlyList<(double X, double Y)> points)
    {
        var data = new StringBuilder($"M{N(points[0].X)},{N(points[0].Y)}");
        for (int i = 1; i < points.Count; i++)
        {
            var (from, to) = (points[i - 1], points[i]);
            if (Math.Abs(from.Y - to.Y) < 0.01)
            {
                data.Append($" L{N(to.X)},{N(to.Y)}");
                continue;
            }
            double middle = (from.X + to.X) / 2;
            data.Append($" C{N(middle)},{N(from.Y)} {N(middle)},{N(to.Y)} {N(to.X)},{N(to.Y)}");
        }
        return data.ToString();
    }
}
