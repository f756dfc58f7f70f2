using System.Globalization;
using System.Text;
using static Microsoft.ML.Nas.Visualization.SvgFormat;

namespace Microsoft.ML.Nas.Visualization.Charts;

/// <summary>
/// The run's time line as inline SVG: one track, a segment per epoch as wide as it took, coloured by phase (search,
/// final training), with a seconds axis and each segment's time in its tooltip.
/// </summary>
internal static class Timeline
{
    private const double Left = 12, Right = 12, TrackTop = 42, TrackHeight = 34;

    public static string Svg(IReadOnlyList<TimelineSpan> spans, double width = 900)
    {
        double total = spans.Where(s => double.IsFinite(s.Seconds)).Sum(s => s.Seconds);
        // An empty or instant run still gets an axis from 0.
        var scale = NiceScale.For([0, Math.Max(total, 1e-3)], ticks: 8);
        double plotWidth = width - Left - Right;
        double X(double seconds) => Left + plotWidth * seconds / scale.Max;
        double height = TrackTop + TrackHeight + 40;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart timeline\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" ")
           .Append($"font-family=\"{FontFamily}\" role=\"img\" aria-label=\"Time line\" data-spans=\"{spans.Count}\">");
        double x = 0;
        var phases = spans.Select(s => s.Phase).Distinct().ToList();
        double legendX = Left;
        foreach (var phase in phases)
        {
            double seconds = spans.Where(s => s.Phase == phase && double.IsFinite(s.Seconds)).Sum(s => s.Seconds);
            string label = string.Create(CultureInfo.InvariantCulture, $"{phase}: {seconds:0.0} s");
            svg.Append($"<rect x=\"{N(legendX)}\" y=\"10\" width=\"14\" height=\"14\" rx=\"2\" fill=\"{PhaseColor(phase, 0)}\"/>")
               .Append($"<text x=\"{N(legendX + 19)}\" y=\"21\" font-size=\"11.5\" fill=\"#424242\">{Escape(label)}</text>");
            legendX += 19 + TextWidth(label, 11.5) + 18;
        }
        foreach (var span in spans.Where(s => double.IsFinite(s.Seconds)))
        {
            double x0 = X(x), x1 = X(x + span.Seconds);
            svg.Append($"<rect class=\"span\" data-phase=\"{Escape(span.Phase)}\" x=\"{N(x0)}\" y=\"{N(TrackTop)}\" width=\"{N(Math.Max(0.5, x1 - x0 - 0.5))}\" height=\"{N(TrackHeight)}\" ")
               .Append($"fill=\"{PhaseColor(span.Phase, span.Epoch)}\"><title>{Escape(span.Phase)} epoch {span.Epoch + 1}: {span.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s</title></rect>");
            if (x1 - x0 > 22)
            {
                svg.Append($"<text x=\"{N((x0 + x1) / 2)}\" y=\"{N(TrackTop + TrackHeight / 2 + 4)}\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#ffffff\" pointer-events=\"none\">{span.Epoch + 1}</text>");
            }
            x += span.Seconds;
        }
        foreach (double tick in scale.Ticks())
        {
            svg.Append($"<line x1=\"{N(X(tick))}\" x2=\"{N(X(tick))}\" y1=\"{N(TrackTop + TrackHeight)}\" y2=\"{N(TrackTop + TrackHeight + 5)}\" stroke=\"#9e9e9e\"/>")
               .Append($"<text x=\"{N(X(tick))}\" y=\"{N(TrackTop + TrackHeight + 17)}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#616161\">{Value(tick)}</text>");
        }
        svg.Append($"<text x=\"{N(Left + plotWidth / 2)}\" y=\"{N(height - 4)}\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#616161\">seconds since the search started</text>");
        return svg.Append("</svg>").ToString();
    }

    // Epochs alternate two shades of their phase's colour, so neighbours stay apart.
    private static string PhaseColor(string phase, int epoch) => (phase, epoch % 2) switch
    {
        ("search", 0) => "#5c6bc0",
        ("search", _) => "#3949ab",
        (_, 0) => "#26a69a",
        _ => "#00897b",
    };
}
