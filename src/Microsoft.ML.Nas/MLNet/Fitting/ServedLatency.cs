using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Strategies;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// Under <c>Search.MaxLatency</c>, the served network's latency in the history: the search's last record gets the
/// latency table's prediction for the exported architecture (<see cref="Predicted"/>, at <see cref="BatchSize"/>), and
/// the final training's last record the time measured on the trained network Fit serves (<see cref="Measured"/>).
/// </summary>
internal static class ServedLatency
{
    public const string Predicted = "predictedLatencyMs";
    public const string Measured = "measuredLatencyMs";
    public const string BatchSize = "latencyBatchSize";

    /// <summary>The search history with the export's predicted latency on its last record; as it was without a latency budget.</summary>
    public static NasEpochRecord[] WithPrediction(NasEpochRecord[] search, ArchitectureLatency? latency)
    {
        if (latency is null || search.Length == 0)
        {
            return search;
        }
        search[^1] = With(search[^1], (Predicted, latency.Predicted.TotalMilliseconds), (BatchSize, latency.BatchSize));
        return search;
    }

    /// <summary>The final history with the served network's measured latency on its last record, when the search predicted one.</summary>
    public static IReadOnlyList<NasEpochRecord> WithMeasurement(NasRun run, IReadOnlyList<NasEpochRecord> search, IReadOnlyList<NasEpochRecord> final,
        nn.Module<Tensor, Tensor> model, Action<string> log)
    {
        if (search.Count == 0 || final.Count == 0 || !search[^1].Metrics.TryGetValue(BatchSize, out double batch)
            || !search[^1].Metrics.TryGetValue(Predicted, out double predicted))
        {
            return final;
        }
        var measured = LatencyTable.MeasureForward(model, run.Context.SampleShape, (int)batch, run.Environment.Device, run.Environment.Threads);
        log(string.Create(CultureInfo.InvariantCulture,
            $"Served network latency at batch {batch}: predicted {predicted:0.000} ms, measured {measured.TotalMilliseconds:0.000} ms on {run.Environment.Device} ({run.Environment.Threads} threads)."));
        return [.. final.Take(final.Count - 1), With(final[^1], (Measured, measured.TotalMilliseconds), (BatchSize, batch))];
    }

    private static NasEpochRecord With(NasEpochRecord record, params (string Name, double Value)[] values)
    {
        var metrics = new Dictionary<string, double>(record.Metrics, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            metrics[name] = value;
        }
        return record with { Metrics = metrics };
    }
}
