using System.Globalization;
using System.Net;

namespace Microsoft.ML.Nas.Visualization;

/// <summary>What every hand-written SVG and HTML piece shares: invariant numbers, escaping, the font and its text widths.</summary>
internal static class SvgFormat
{
    /// <summary>
    /// DejaVu Sans first: Debian's fonts-dejavu-core is what the PNG rasterizer finds on a plain Linux machine, and its
    /// widths are the ones <see cref="TextWidth"/> estimates; browsers fall back to their own sans-serif.
    /// </summary>
    public const string FontFamily = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif";

    /// <summary>A coordinate or size with at most one decimal, culture-invariant (SVG reads no other form).</summary>
    public static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Text for an SVG or HTML text node or attribute value.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>
    /// An upper estimate of the width of <paramref name="text"/> at <paramref name="fontSize"/> in DejaVu Sans, whose
    /// glyphs average about 0.6 em (wide letters count more), so boxes fit their labels without measuring fonts.
    /// </summary>
    public static double TextWidth(string text, double fontSize, bool bold = false)
    {
        double ems = 0;
        foreach (char c in text)
        {
            ems += c switch
            {
                'i' or 'l' or 'j' or '.' or ',' or ':' or ';' or '!' or '|' or '\'' or ' ' => 0.32,
                'm' or 'w' or 'M' or 'W' or '×' or '→' or '½' => 0.9,
                _ when char.IsUpper(c) => 0.72,
                _ => 0.62,
            };
        }
        return ems * fontSize * (bold ? 1.1 : 1.0);
    }

    /// <summary>A short, readable form of a metric: 3 significant digits, exponents for very small or large values.</summary>
    public static string Value(double value)
    {
        if (double.IsNaN(value))
        {
            return "–";
        }
        double magnitude = Math.Abs(value);
        return magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6)
            ? value.ToString("0.##e+0", CultureInfo.InvariantCulture)
            : value.ToString(magnitude >= 100 ? "0.#" : magnitude >= 1 ? "0.###" : "0.####", CultureInfo.InvariantCulture);
    }
}
