using System.Text;
using Microsoft.ML.Nas.Visualization.Charts;
using Microsoft.ML.Nas.Visualization.Graphs;
using static Microsoft.ML.Nas.Visualization.SvgFormat;

namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>
/// The architecture weights of one cell over the epochs, as inline SVG: a small heatmap per edge (a row per op, a
/// column per epoch, darker for more weight), edges in the cell's node order, kept edges titled in bold with the op
/// the export chose marked by an arrow head at the row's end.
/// </summary>
internal static class WeightHistoryGrid
{
    private const double RowHeight = 11, TitleHeight = 18, Gap = 22, Margin = 8, PlotWidth = 132, MaxWidth = 1040;

    public static string Svg(string title, IReadOnlyList<EdgeWeights> edges)
    {
        int epochs = edges.Select(e => e.PerEpoch.Count).DefaultIfEmpty(0).Max();
        double cell = Math.Clamp(PlotWidth / Math.Max(1, epochs), 2, 14);
        double plot = cell * Math.Max(1, epochs);
        var ops = edges.Count == 0 ? [] : edges[0].Ops;
        double labels = ops.Select(o => TextWidth(o, 10.5)).DefaultIfEmpty(0).Max() + 6;
        // A few epochs make narrow maps: each block is at least as wide as its title (and the exported-op marker).
        double block = Math.Max(plot + 12, edges.Select(e => TextWidth(Title(e), 10.5, bold: true)).DefaultIfEmpty(0).Max()) + Gap;
        int perRow = Math.Max(1, (int)((MaxWidth - Margin - labels) / block));
        int rows = (edges.Count + perRow - 1) / perRow;
        double blockHeight = TitleHeight + RowHeight * ops.Count + Gap;
        double width = Margin + labels + Math.Min(perRow, edges.Count) * block;
        double height = 28 + rows * blockHeight;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart weight-history\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" ")
           .Append($"font-family=\"{FontFamily}\" role=\"img\" aria-label=\"{Escape(title)}\" data-edges=\"{edges.Count}\" data-epochs=\"{epochs}\">");
        svg.Append($"<text x=\"{N(Margin)}\" y=\"17\" font-size=\"13\" font-weight=\"bold\" fill=\"#212121\">{Escape(title)}</text>");
        for (int e = 0; e < edges.Count; e++)
        {
            var edge = edges[e];
            double left = Margin + labels + (e % perRow) * block;
            double top = 28 + (e / perRow) * blockHeight;
            if (e % perRow == 0)
            {
                for (int op = 0; op < edge.Ops.Count; op++)
                {
                    svg.Append($"<text x=\"{N(left - 4)}\" y=\"{N(top + TitleHeight + RowHeight * op + 9)}\" font-size=\"10.5\" text-anchor=\"end\" fill=\"{GraphStyle.OpColor(edge.Ops[op])}\">{Escape(edge.Ops[op])}</text>");
                }
            }
            WriteEdge(svg, edge, left, top, cell);
        }
        return svg.Append("</svg>").ToString();
    }

    private static void WriteEdge(StringBuilder svg, EdgeWeights edge, double left, double top, double cell)
    {
        string weight = edge.Kept ? "bold" : "normal";
        svg.Append($"<g class=\"edge-history\" data-key=\"{Escape(edge.Key)}\" data-epochs=\"{edge.PerEpoch.Count}\"{(edge.Kept ? "" : " opacity=\"0.6\"")}>");
        svg.Append($"<text x=\"{N(left)}\" y=\"{N(top + 12)}\" font-size=\"10.5\" font-weight=\"{weight}\" fill=\"#212121\">{Escape(Title(edge))}</text>");
        for (int epoch = 0; epoch < edge.PerEpoch.Count; epoch++)
        {
            for (int op = 0; op < edge.Ops.Count; op++)
            {
                double value = edge.PerEpoch[epoch][op];
                svg.Append($"<rect x=\"{N(left + epoch * cell)}\" y=\"{N(top + TitleHeight + op * RowHeight)}\" width=\"{N(cell)}\" height=\"{N(RowHeight)}\" fill=\"{ColorScale.Fill(Scale(value, edge.Ops.Count))}\">")
                   .Append($"<title>{Escape(edge.Label)}, {Escape(edge.Ops[op])}, epoch {epoch + 1}: {Value(value)}</title></rect>");
            }
        }
        if (edge.Chosen >= 0)
        {
            double y = top + TitleHeight + edge.Chosen * RowHeight + RowHeight / 2;
            double x = left + edge.PerEpoch.Count * cell + 2;
            svg.Append($"<path d=\"M{N(x + 7)},{N(y - 4)} L{N(x)},{N(y)} L{N(x + 7)},{N(y + 4)} z\" fill=\"#ff6f00\"><title>exported: {Escape(edge.Ops[edge.Chosen])}</title></path>");
        }
        svg.Append("</g>");
    }

    private static string Title(EdgeWeights edge) => edge.Kept ? edge.Label + " (kept)" : edge.Label;

    // Weights start near 1/K: stretching [0, 3/K] over the scale shows the early drift that [0, 1] would hide.
    private static double Scale(double weight, int ops) => weight * ops / 3;
}
