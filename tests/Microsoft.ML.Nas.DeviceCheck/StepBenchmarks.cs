using System.Globalization;
using Microsoft.ML.Nas.Benchmarks;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.DeviceCheck;

/// <summary>
/// The DARTS and ENAS benchmark configurations (tests/Microsoft.ML.Nas.Benchmarks, through the shared step sessions),
/// a few steps each on CUDA and on the CPU: median step times, device memory on CUDA, and the cuda/cpu ratio.
/// </summary>
internal static class StepBenchmarks
{
    private sealed record Row(string Name, double? CudaMs, double? CpuMs, double? CudaPeakMiB, double? CudaGrowthMiB);

    public static void Run(CheckOptions options, bool cuda, int threads)
    {
        if (options.Darts.Count + options.Enas.Count == 0)
        {
            return;
        }
        Console.WriteLine();
        Console.WriteLine($"Step times: {options.Warmup} warm-up + {options.Steps} timed DARTS and controller steps, " +
            $"{3 * options.Warmup} + {4 * options.Steps} ENAS child steps; CUDA timings synchronize before and after each step");
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (string device in cuda ? new[] { "cuda", "cpu" } : new[] { "cpu" })
        {
            foreach (string name in options.Darts)
            {
                var (strategy, config) = DartsStepSession.Parse(name);
                using var session = new DartsStepSession(config, device, threads, strategy: strategy);
                Record(rows, strategy == "darts" ? $"darts {name}" : $"{strategy} {config.Name}", device, Time(session.Step, session.Device, options.Warmup, options.Steps));
            }
            foreach (string name in options.Enas)
            {
                using var session = new EnasStepSession(EnasBenchmarkConfig.Find(name), device, threads);
                Record(rows, $"enas {name} child", device, Time(session.ChildStep, session.Device, 3 * options.Warmup, 4 * options.Steps));
                Record(rows, $"enas {name} controller", device, Time(session.ControllerStep, session.Device, options.Warmup, options.Steps));
            }
        }
        Console.WriteLine($"  {"configuration",-28} {"cuda ms",10} {"cpu ms",10} {"cuda/cpu",9} {"cuda peak MiB",14} {"(growth)",9}");
        foreach (var row in rows.Values)
        {
            Console.WriteLine($"  {row.Name,-28} {Format(row.CudaMs, "F2"),10} {Format(row.CpuMs, "F1"),10} " +
                $"{Format(row.CudaMs / row.CpuMs, "F3"),9} {Format(row.CudaPeakMiB, "F0"),14} {Format(row.CudaGrowthMiB, "F0"),9}");
        }
        if (cuda)
        {
            Console.WriteLine("  cuda peak MiB: device memory in use after any timed step (the driver's total − free: CUDA context and " +
                "libtorch's caching allocator, freed blocks included; TorchSharp 0.107 has no torch.cuda memory statistics). " +
                "(growth): over the reading before the configuration; the allocator keeps earlier configurations' blocks for reuse.");
        }
    }

    private static (double Median, double? PeakMiB, double? GrowthMiB) Time(Action step, Device device, int warmup, int steps)
    {
        bool onCuda = device.type == TorchSharp.DeviceType.CUDA;
        StepTimer.Synchronize(device);
        double? before = onCuda ? NativeInfo.DeviceMemoryInUseMiB() : null;
        double? peak = before;
        void Read() => peak = NativeInfo.DeviceMemoryInUseMiB() is { } now && now > (peak ?? 0) ? now : peak;
        var times = StepTimer.Measure(step, warmup, steps, device, onCuda ? Read : null);
        return (StepTimer.Median(times), peak, peak - before);
    }

    private static void Record(Dictionary<string, Row> rows, string name, string device, (double Median, double? PeakMiB, double? GrowthMiB) result)
    {
        var row = rows.GetValueOrDefault(name) ?? new Row(name, null, null, null, null);
        rows[name] = device == "cuda"
            ? row with { CudaMs = result.Median, CudaPeakMiB = result.PeakMiB, CudaGrowthMiB = result.GrowthMiB }
            : row with { CpuMs = result.Median };
        Console.WriteLine($"  {name} on {device}: median {result.Median:F2} ms");
    }

    private static string Format(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
