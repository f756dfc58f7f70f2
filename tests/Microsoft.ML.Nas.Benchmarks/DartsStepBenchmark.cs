using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Per-step time and memory of a DARTS search step (architecture step + weight step) in the configurations of
/// <see cref="DartsBenchmarkConfig"/>, with PyTorch's figures beside them.
/// </summary>
internal static class DartsStepBenchmark
{
    public static void Run(BenchmarkArguments options)
    {
        var config = DartsBenchmarkConfig.Find(options.Config ?? "mnist-first");
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        Console.WriteLine($"darts {config.Name}: {config}, {options.Warmup} warm-up + {options.Steps} timed steps, {threads} threads, device {options.Device}, " +
            $"release freed memory {options.ReleaseFreedMemory} (slack {options.FreedMemorySlack})");
        using var session = new DartsStepSession(config, options.Device, threads, options.ReleaseFreedMemory, options.FreedMemorySlack);
        double residentAfterFirst = 0;
        var trace = new List<string>();
        void Step()
        {
            session.Step();
            if (session.Steps == 1)
            {
                residentAfterFirst = ProcessMemory.ResidentMiB();
            }
            if (session.Steps % 25 == 0)
            {
                trace.Add($"{session.Steps}:{ProcessMemory.ResidentMiB():F0}/{ProcessMemory.PeakResidentMiB():F0}");
            }
        }
        var times = StepTimer.Measure(Step, options.Warmup, options.Steps, session.Device);
        double median = StepTimer.Median(times);
        double peak = ProcessMemory.PeakResidentMiB();
        Console.WriteLine($"  step: {StepTimer.Describe(times)}");
        Console.WriteLine($"  resident: {residentAfterFirst:F0} MiB after step 1, {ProcessMemory.ResidentMiB():F0} MiB after step {session.Steps}; peak {peak:F0} MiB");
        if (trace.Count > 0)
        {
            Console.WriteLine($"  resident/peak MiB by step: {string.Join(" ", trace)}");
        }
        Console.WriteLine($"  native heap after the last step (MiB in use, free whether resident or released, mmapped): {ProcessMemory.NativeHeapMiB()}; " +
            $"{session.Trainer.Loop.Context.MemoryGuard?.Releases ?? 0} releases over {session.Steps} steps");
        Console.WriteLine($"RESULT csharp config={config.Name} step_ms={median:F0} ratio_vs_pytorch113={median / config.PyTorch113Ms:F2} " +
            $"ratio_vs_pytorch26={median / config.PyTorch26Ms:F2} peak_rss_mib={peak:F0} (PyTorch {config.PeakRss113}/{config.PeakRss26})");
    }
}
