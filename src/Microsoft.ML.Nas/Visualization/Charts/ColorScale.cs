using System.Globalization;

namespace Microsoft.ML.Nas.Visualization.Charts;

/// <summary>
/// The heatmaps' colours: white for 0 through light to dark blue for 1, a single-hue scale that reads in grey print
/// and for colour-blind readers, with the text colour that stays readable on each.
/// </summary>
internal static class ColorScale
{
    private static readonly (double At, int R, int G, int B)[] Stops =
    [
        (0.0, 0xf7, 0xfb, 0xff), (0.25, 0xc6, 0xdb, 0xef), (0.5, 0x6b, 0xae, 0xd6), (0.75, 0x21, 0x71, 0xb5), (1.0, 0x08, 0x30, 0x6b),
    ];

    /// <summary>The fill for <paramref name="value"/> in [0, 1] (clamped; NaN is light grey).</summary>
    public static string Fill(double value)
    {
        if (double.IsNaN(value))
        {
            return "#eeeeee";
        }
        value = Math.Clamp(value, 0, 1);
        int i = 1;
        while (i < Stops.Length - 1 && value > Stops[i].At)
        {
            i++;
        }
        var (a, b) = (Stops[i - 1], Stops[i]);
        double t = (value - a.At) / (b.At - a.At);
        int Mix(int x, int y) => (int)Math.Round(x + (y - x) * t);
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(a.R, b.R):x2}{Mix(a.G, b.G):x2}{Mix(a.B, b.B):x2}");
    }

    /// <summary>Text colour on <see cref="Fill"/>(<paramref name="value"/>).</summary>
    public static string Text(double value) => value > 0.55 ? "#ffffff" : "#212121";
}
