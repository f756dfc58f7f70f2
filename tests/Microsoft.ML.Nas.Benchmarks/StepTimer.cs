using System.Diagnostics;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>Times repeated calls after a warm-up and summarises them by median and spread.</summary>
internal static class StepTimer
{
    public static double[] Measure(Action step, int warmup, int steps)
    {
        for (int i = 0; i < warmup; i++)
        {
            step();
        }
        var milliseconds = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            step();
            milliseconds[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return milliseconds;
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 0.5);

    public static double Percentile(IReadOnlyList<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        double position = fraction * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = (int)Math.Ceiling(position);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    public static string Describe(IReadOnlyList<double> values) =>
        $"median {Median(values):F2} ms (p10 {Percentile(values, 0.1):F2}, p90 {Percentile(values, 0.9):F2}, n={values.Count})";
}
