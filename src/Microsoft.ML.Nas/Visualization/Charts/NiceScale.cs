namespace Microsoft.ML.Nas.Visualization.Charts;

/// <summary>An axis range widened to round numbers, with its ticks at steps of 1, 2 or 5 times a power of ten.</summary>
internal sealed record NiceScale(double Min, double Max, double Step)
{
    /// <summary>A range holding every finite value of <paramref name="values"/> (and <paramref name="include"/>, when given).</summary>
    public static NiceScale For(IEnumerable<double> values, int ticks = 5, double? include = null)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (include is { } extra)
        {
            finite.Add(extra);
        }
        double min = finite.Count == 0 ? 0 : finite.Min();
        double max = finite.Count == 0 ? 1 : finite.Max();
        if (max - min < 1e-12)
        {
            // A flat line still gets an axis around it.
            double pad = Math.Abs(min) > 1e-12 ? Math.Abs(min) * 0.1 : 1;
            (min, max) = (min - pad, max + pad);
        }
        double step = Round((max - min) / Math.Max(1, ticks - 1));
        return new NiceScale(Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    /// <summary>The tick values from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public IEnumerable<double> Ticks()
    {
        int count = (int)Math.Round((Max - Min) / Step);
        return Enumerable.Range(0, count + 1).Select(i => Min + i * Step);
    }

    /// <summary>Where <paramref name="value"/> falls between 0 (at <see cref="Min"/>) and 1 (at <see cref="Max"/>).</summary>
    public double Fraction(double value) => (value - Min) / (Max - Min);

    private static double Round(double raw)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double scaled = raw / power;
        return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
    }
}
