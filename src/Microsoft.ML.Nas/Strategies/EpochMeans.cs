using System.Globalization;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>Running means of what the steps of one epoch reported.</summary>
internal sealed class EpochMeans
{
    private readonly Dictionary<string, (double Sum, int Count)> values = new(StringComparer.Ordinal);
    private double lossSum, metricSum;
    private int lossCount, metricCount;

    public double Loss => lossCount == 0 ? double.NaN : lossSum / lossCount;

    public double Metric => metricCount == 0 ? double.NaN : metricSum / metricCount;

    public void Add(StepResult result)
    {
        if (result.Loss is { } loss)
        {
            lossSum += loss;
            lossCount++;
        }
        if (result.Metric is { } metric)
        {
            metricSum += metric;
            metricCount++;
        }
        foreach (var (name, value) in result.Values ?? new Dictionary<string, double>())
        {
            var (sum, count) = values.GetValueOrDefault(name);
            values[name] = (sum + value, count + 1);
        }
    }

    public IReadOnlyDictionary<string, double> Values() =>
        values.ToDictionary(p => p.Key, p => p.Value.Sum / p.Value.Count, StringComparer.Ordinal);

    public string Describe()
    {
        var parts = new List<string>();
        if (lossCount > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4}"));
        }
        if (metricCount > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"metric {Metric:F4}"));
        }
        parts.AddRange(values.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.Sum / p.Value.Count:F4}")));
        return string.Join(", ", parts);
    }
}
