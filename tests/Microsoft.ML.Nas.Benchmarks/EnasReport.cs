using System.Globalization;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// The ENAS benchmark table: for each configuration (or the one named by --config), child-step and controller-step
/// medians, peak and resident memory, and the ratios to PyTorch's figures. Run one configuration per process for a
/// peak-memory figure of that configuration alone.
/// </summary>
internal static class EnasReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = options.Threads ?? 2;
        var configs = options.Config is null ? EnasBenchmarkConfig.All : [EnasBenchmarkConfig.Find(options.Config)];
        int childSteps = Math.Max(options.Steps, 30);
        int controllerSteps = Math.Max(options.Steps / 5, 30);
        Console.WriteLine($"enas: {threads} threads, device {options.Device}; child: {options.Warmup} warm-up + {childSteps} timed; controller (20 batches): 3 warm-up + {controllerSteps} timed; release freed memory {options.ReleaseFreedMemory} (slack {options.FreedMemorySlack})");
        foreach (var config in configs)
        {
            var result = EnasBenchmark.Run(config, threads, options.Warmup, childSteps, 3, controllerSteps, options.Device, options.ReleaseFreedMemory, options.FreedMemorySlack);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT csharp config={config.Name} child_ms={result.ChildMs:F1} controller_ms={result.ControllerMs:F0} peak_rss_mib={result.PeakMiB:F0} " +
                $"rss_after_warmup_mib={result.ResidentAfterWarmupMiB:F0} rss_at_end_mib={result.ResidentAtEndMiB:F0} " +
                $"child_ratio_113={result.ChildMs / config.TorchChildMs:F2} controller_ratio_113={result.ControllerMs / config.TorchControllerMs:F2} " +
                $"child_ratio_26={result.ChildMs / config.Torch26ChildMs:F2} controller_ratio_26={result.ControllerMs / config.Torch26ControllerMs:F2} " +
                $"memory_ratio_113={result.PeakMiB / config.TorchPeakMiB:F2}"));
        }
    }
}
