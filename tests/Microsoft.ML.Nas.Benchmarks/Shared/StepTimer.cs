using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>Times repeated calls after a warm-up and summarises them by median and spread.</summary>
/// <remarks>
/// CUDA kernels run asynchronously: a call returns once its work is queued, and the host only waits where it reads a
/// result. Given a CUDA device, <see cref="Measure"/> therefore waits for the device before it starts the clock and
/// again before it stops it, so each time covers the call's own kernels, not the previous call's leftovers. On the CPU
/// the work is done when the call returns, and nothing is waited for.
/// </remarks>
internal static class StepTimer
{
    /// <summary>
    /// Runs <paramref name="step"/> <paramref name="warmup"/> times untimed, then <paramref name="steps"/> times timed;
    /// returns the timed milliseconds. <paramref name="afterEach"/>, when given, runs after each timed call, outside the
    /// clock (a memory reading, say).
    /// </summary>
    public static double[] Measure(Action step, int warmup, int steps, Device? device = null, Action? afterEach = null)
    {
        for (int i = 0; i < warmup; i++)
        {
            step();
        }
        var milliseconds = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            Synchronize(device);
            long start = Stopwatch.GetTimestamp();
            step();
            Synchronize(device);
            milliseconds[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            afterEach?.Invoke();
        }
        return milliseconds;
    }

    /// <summary>Waits until <paramref name="device"/> has finished the work queued on it; nothing to wait for off CUDA.</summary>
    public static void Synchronize(Device? device)
    {
        if (device?.type == DeviceType.CUDA)
        {
            cuda.synchronize(device);
        }
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
