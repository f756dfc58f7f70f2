using System.Globalization;
using System.Text;
using static Microsoft.ML.Nas.Visualization.SvgFormat;

namespace Microsoft.ML.Nas.Visualization.Charts;

/// <summary>
/// A labelled heatmap as inline SVG: a coloured cell per row and column with its value written in it, chosen cells
/// outlined, dimmed rows faded, and a tooltip on every cell.
/// </summary>
internal static class Heatmap
{
    private const double CellHeight = 22, Top = 48, Margin = 8;

    public static string Svg(HeatmapData data)
    {
        double rowLabelWidth = data.Rows.Select(r => TextWidth(r, 11)).DefaultIfEmpty(0).Max() + 12;
        double cellWidth = Math.Max(48, data.Columns.Select(c => TextWidth(c, 10.5)).DefaultIfEmpty(0).Max() + 8);
        double width = Margin + rowLabelWidth + cellWidth * data.Columns.Count + Margin;
        double height = Top + CellHeight * data.Rows.Count + Margin;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heatmap\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" ")
           .Append($"font-family=\"{FontFamily}\" role=\"img\" aria-label=\"{Escape(data.Title)}\" data-rows=\"{data.Rows.Count}\" data-columns=\"{data.Columns.Count}\">");
        svg.Append($"<text x=\"{N(Margin)}\" y=\"17\" font-size=\"13\" font-weight=\"bold\" fill=\"#212121\">{Escape(data.Title)}</text>");
        double left = Margin + rowLabelWidth;
        for (int c = 0; c < data.Columns.Count; c++)
        {
            svg.Append($"<text x=\"{N(left + cellWidth * (c + 0.5))}\" y=\"{N(Top - 8)}\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"{Graphs.GraphStyle.OpColor(data.Columns[c])}\">{Escape(data.Columns[c])}</text>");
        }
        for (int r = 0; r < data.Rows.Count; r++)
        {
            double y = Top + CellHeight * r;
            bool dim = data.DimmedRows.Contains(r);
            svg.Append($"<g class=\"heatmap-row\"{(dim ? " opacity=\"0.45\"" : "")}>");
            svg.Append($"<text x=\"{N(left - 8)}\" y=\"{N(y + CellHeight / 2 + 4)}\" font-size=\"11\" text-anchor=\"end\" fill=\"#424242\">{Escape(data.Rows[r])}</text>");
            for (int c = 0; c < data.Columns.Count; c++)
            {
                double value = data.Values[r][c];
                double x = left + cellWidth * c;
                string text = double.IsNaN(value) ? "" : value.ToString("0.000", CultureInfo.InvariantCulture);
                svg.Append($"<rect class=\"cell\" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(cellWidth - 1)}\" height=\"{N(CellHeight - 1)}\" fill=\"{ColorScale.Fill(value)}\">")
                   .Append($"<title>{Escape(data.Rows[r])}, {Escape(data.Columns[c])}: {Value(value)}</title></rect>")
                   .Append($"<text x=\"{N(x + cellWidth / 2)}\" y=\"{N(y + CellHeight / 2 + 4)}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{ColorScale.Text(value)}\" pointer-events=\"none\">{text}</text>");
            }
            svg.Append("</g>");
        }
        foreach (var (r, c) in data.Marked)
        {
            svg.Append($"<rect class=\"marked\" x=\"{N(left + cellWidth * c + 0.5)}\" y=\"{N(Top + CellHeight * r + 0.5)}\" width=\"{N(cellWidth - 2)}\" height=\"{N(CellHeight - 2)}\" ")
               .Append("fill=\"none\" stroke=\"#ff6f00\" stroke-width=\"2\"/>");
        }
        return svg.Append("</svg>").ToString();
    }
}
