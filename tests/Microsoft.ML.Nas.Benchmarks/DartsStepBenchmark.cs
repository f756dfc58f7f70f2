using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Per-step time and memory of a DARTS search step (architecture step + weight step) in the configurations of
/// <see cref="DartsBenchmarkConfig"/>, with PyTorch's figures beside them; the same for GDAS and PC-DARTS (first-order
/// configurations; PyTorch's figures are DARTS's, so their ratios compare against PyTorch's DARTS, not its GDAS:
/// compare-darts.sh runs pytorch/darts_step.py's counterpart of each strategy beside it).
/// </summary>
internal static class DartsStepBenchmark
{
    public static void Run(BenchmarkArguments options, string strategy = "darts")
    {
        var config = DartsBenchmarkConfig.Find(options.Config ?? "mnist-first");
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        Console.WriteLine($"{strategy} {config.Name}: {config}, {options.Warmup} warm-up + {options.Steps} timed steps, {threads} threads, device {options.Device}, " +
            $"release freed memory {options.ReleaseFreedMemory} (slack {options.FreedMemorySlack})");
        using var session = new DartsStepSession(config, options.Device, threads, options.ReleaseFreedMemory, options.FreedMemorySlack, strategy);
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
            $"{session.Loop.Context.MemoryGuard?.Releases ?? 0} releases over {session.Steps} steps");
        // DARTS's line keeps its form (compare-darts.sh, results-table.awk); the others name their strategy in the config.
        string name = strategy == "darts" ? config.Name : $"{strategy}-{config.Name}";
        Console.WriteLine($"RESULT csharp config={name} step_ms={median:F0} ratio_vs_pytorch113={median / config.PyTorch113Ms:F2} " +
            $"ratio_vs_pytorch26={median / config.PyTorch26Ms:F2} peak_rss_mib={peak:F0} (PyTorch {config.PeakRss113}/{config.PeakRss26})");
    }
}
