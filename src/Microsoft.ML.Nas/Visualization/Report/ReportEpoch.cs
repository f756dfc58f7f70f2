namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>One epoch as the report reads it: its phase, its number within the phase, and its named metrics.</summary>
/// <param name="Phase"><see cref="Search"/> or <see cref="Final"/>.</param>
/// <param name="Epoch">From 0 within the phase.</param>
/// <param name="Metrics">The names of <c>EpochRecord.ToMetrics</c>: loss, accuracy, seconds, weight.{key}[i], ...</param>
internal sealed record ReportEpoch(string Phase, int Epoch, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>The phase name of search epochs (as in ML.NET's history).</summary>
    public const string Search = "search";

    /// <summary>The phase name of final-training epochs (as in ML.NET's history).</summary>
    public const string Final = "final";

    /// <summary>The metric, or NaN when the epoch has none of that name.</summary>
    public double this[string name] => Metrics.TryGetValue(name, out double value) ? value : double.NaN;
}
