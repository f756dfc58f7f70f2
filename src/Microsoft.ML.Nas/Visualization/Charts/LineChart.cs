using System.Globalization;
using System.Text;
using static Microsoft.ML.Nas.Visualization.SvgFormat;

namespace Microsoft.ML.Nas.Visualization.Charts;

/// <summary>
/// A line chart of values per epoch, as inline SVG: a title, a legend, round-numbered axes, one line per series
/// (broken where a value is missing) and a dot per value whose tooltip gives the series, epoch and value.
/// </summary>
internal static class LineChart
{
    private const double Left = 56, Right = 14, Top = 50, Bottom = 36;

    /// <param name="title">The heading inside the chart.</param>
    /// <param name="series">The lines; each value is one epoch, from epoch 1.</param>
    /// <param name="include">A value the y axis must show (0 for counts, 1 for probabilities), or null.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static string Svg(string title, IReadOnlyList<ChartSeries> series, double? include = null, double width = 440, double height = 240)
    {
        int epochs = series.Select(s => s.Values.Count).DefaultIfEmpty(0).Max();
        var y = NiceScale.For(series.SelectMany(s => s.Values), include: include);
        double plotWidth = width - Left - Right, plotHeight = height - Top - Bottom;
        double X(int epoch) => Left + (epochs <= 1 ? plotWidth / 2 : plotWidth * epoch / (epochs - 1));
        double Y(double value) => Top + plotHeight * (1 - y.Fraction(value));
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart line-chart\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" ")
           .Append($"font-family=\"{FontFamily}\" role=\"img\" aria-label=\"{Escape(title)}\" data-epochs=\"{epochs}\">");
        svg.Append($"<text x=\"{N(Left)}\" y=\"17\" font-size=\"13\" font-weight=\"bold\" fill=\"#212121\">{Escape(title)}</text>");
        WriteLegend(svg, series, width);
        foreach (double tick in y.Ticks())
        {
            svg.Append($"<line x1=\"{N(Left)}\" x2=\"{N(width - Right)}\" y1=\"{N(Y(tick))}\" y2=\"{N(Y(tick))}\" stroke=\"#eeeeee\"/>")
               .Append($"<text x=\"{N(Left - 6)}\" y=\"{N(Y(tick) + 4)}\" font-size=\"10\" text-anchor=\"end\" fill=\"#616161\">{Escape(Tick(tick, y.Step))}</text>");
        }
        int every = Math.Max(1, (int)Math.Ceiling(epochs / 10.0));
        for (int epoch = 0; epoch < epochs; epoch += every)
        {
            svg.Append($"<text x=\"{N(X(epoch))}\" y=\"{N(height - Bottom + 15)}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#616161\">{epoch + 1}</text>");
        }
        svg.Append($"<line x1=\"{N(Left)}\" x2=\"{N(width - Right)}\" y1=\"{N(Top + plotHeight)}\" y2=\"{N(Top + plotHeight)}\" stroke=\"#9e9e9e\"/>")
           .Append($"<text x=\"{N(Left + plotWidth / 2)}\" y=\"{N(height - 4)}\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#616161\">epoch</text>");
        foreach (var line in series)
        {
            svg.Append($"<g class=\"series\" data-name=\"{Escape(line.Name)}\" data-points=\"{line.Values.Count}\">");
            svg.Append($"<path d=\"{PathData(line.Values, X, Y)}\" fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"2\"{(line.Dashed ? " stroke-dasharray=\"5 3\"" : "")}/>");
            for (int epoch = 0; epoch < line.Values.Count; epoch++)
            {
                if (double.IsFinite(line.Values[epoch]))
                {
                    svg.Append($"<circle cx=\"{N(X(epoch))}\" cy=\"{N(Y(line.Values[epoch]))}\" r=\"2.6\" fill=\"{line.Color}\">")
                       .Append($"<title>{Escape(line.Name)}, epoch {epoch + 1}: {Value(line.Values[epoch])}</title></circle>");
                }
            }
            svg.Append("</g>");
        }
        if (epochs == 0)
        {
            svg.Append($"<text x=\"{N(Left + plotWidth / 2)}\" y=\"{N(Top + plotHeight / 2)}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#9e9e9e\">no epochs recorded</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    private static void WriteLegend(StringBuilder svg, IReadOnlyList<ChartSeries> series, double width)
    {
        double x = Left, y = 34;
        foreach (var line in series)
        {
            double itemWidth = 26 + TextWidth(line.Name, 10.5) + 12;
            if (x + itemWidth > width - Right && x > Left)
            {
                // Too many series for one row: the chart's plot shrinks by nothing, the legend overlaps its top; rare.
                break;
            }
            svg.Append($"<line x1=\"{N(x)}\" x2=\"{N(x + 20)}\" y1=\"{N(y - 4)}\" y2=\"{N(y - 4)}\" stroke=\"{line.Color}\" stroke-width=\"2.5\"{(line.Dashed ? " stroke-dasharray=\"5 3\"" : "")}/>")
               .Append($"<text x=\"{N(x + 25)}\" y=\"{N(y)}\" font-size=\"10.5\" fill=\"#424242\">{Escape(line.Name)}</text>");
            x += itemWidth;
        }
    }

    private static string PathData(IReadOnlyList<double> values, Func<int, double> x, Func<double, double> y)
    {
        var data = new StringBuilder();
        bool drawing = false;
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                drawing = false;
                continue;
            }
            data.Append(drawing ? " L" : (data.Length > 0 ? " M" : "M")).Append(N(x(i))).Append(',').Append(N(y(values[i])));
            drawing = true;
        }
        return data.Length == 0 ? "M0,0" : data.ToString();
    }

    private static string Tick(double value, double step)
    {
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step)));
        return Math.Abs(value) >= 1e5 || (step < 1e-4 && value != 0)
            ? value.ToString("0.#e+0", CultureInfo.InvariantCulture)
            : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
