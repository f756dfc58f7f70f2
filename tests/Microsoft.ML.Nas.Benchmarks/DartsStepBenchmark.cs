using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Per-step time and memory of a DARTS search step (architecture step + weight step) in the configurations PyTorch 1.13
/// and 2.6 running NNI v1's DARTS trainer were measured on (the DARTS issue's table): NNI's optimizer settings, clip 5,
/// stem multiplier 3, no auxiliary head.
/// </summary>
internal static class DartsStepBenchmark
{
    public static readonly IReadOnlyDictionary<string, DartsBenchmarkConfig> Configs = new Dictionary<string, DartsBenchmarkConfig>
    {
        ["cifar-first"] = new(3, 32, 8, 5, 32, Unrolled: false, PyTorch113Ms: 3395, PyTorch26Ms: 3642, PeakRss113: 1837, PeakRss26: 2114),
        ["cifar-second"] = new(3, 32, 8, 5, 32, Unrolled: true, PyTorch113Ms: 7121, PyTorch26Ms: 7769, PeakRss113: 2658, PeakRss26: 3151),
        ["mnist-first"] = new(1, 28, 8, 3, 64, Unrolled: false, PyTorch113Ms: 3894, PyTorch26Ms: 4086, PeakRss113: 2135, PeakRss26: 2483),
        ["mnist-second"] = new(1, 28, 8, 3, 64, Unrolled: true, PyTorch113Ms: 8174, PyTorch26Ms: 8551, PeakRss113: 3272, PeakRss26: 3708),
    };

    public static void Run(BenchmarkArguments options)
    {
        string name = options.Config ?? "mnist-first";
        if (!Configs.TryGetValue(name, out var config))
        {
            throw new ArgumentException($"Unknown --config '{name}'; expected one of: {string.Join(", ", Configs.Keys)}.");
        }
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        Console.WriteLine($"darts {name}: {config}, {options.Warmup} warm-up + {options.Steps} timed steps, {threads} threads, device {options.Device}, " +
            $"release freed memory {options.ReleaseFreedMemory} (slack {options.FreedMemorySlack})");
        random.manual_seed(0);
        var device = DeviceSelection.Resolve(options.Device);
        // Random normal images, enough for 8 batches per half: batches are gathered by index as in a real search.
        long samples = 16L * config.BatchSize;
        using var data = SyntheticImages(samples, config, device);
        using var model = new DartsNetwork(config.InputChannels, config.ImageSize, config.Channels, 10, config.Layers, nodes: 4, stemMultiplier: 3);
        using var trainer = new DartsTrainer(model, new DartsTrainerOptions
        {
            TrainData = data, BatchSize = config.BatchSize, Epochs = 1, Unrolled = config.Unrolled, Device = options.Device,
            Threads = threads, LogFrequency = 0, ReleaseFreedMemory = options.ReleaseFreedMemory,
            FreedMemorySlack = options.FreedMemorySlack,
        });
        var phase = trainer.Loop.Strategy.PlanEpoch(0)[0];
        model.train();
        int step = 0;
        double residentAfterFirst = 0;
        var trace = new List<string>();
        void Step()
        {
            trainer.Loop.RunStep(phase, step % phase.Steps);
            if (++step == 1)
            {
                residentAfterFirst = ProcessMemory.ResidentMiB();
            }
            if (step % 25 == 0)
            {
                trace.Add($"{step}:{ProcessMemory.ResidentMiB():F0}/{ProcessMemory.PeakResidentMiB():F0}");
            }
        }
        var times = StepTimer.Measure(Step, options.Warmup, options.Steps);
        double median = StepTimer.Median(times);
        double peak = ProcessMemory.PeakResidentMiB();
        Console.WriteLine($"  step: {StepTimer.Describe(times)}");
        Console.WriteLine($"  resident: {residentAfterFirst:F0} MiB after step 1, {ProcessMemory.ResidentMiB():F0} MiB after step {step}; peak {peak:F0} MiB");
        if (trace.Count > 0)
        {
            Console.WriteLine($"  resident/peak MiB by step: {string.Join(" ", trace)}");
        }
        Console.WriteLine($"  native heap after the last step (MiB in use, free whether resident or released, mmapped): {ProcessMemory.NativeHeapMiB()}; " +
            $"{trainer.Loop.Context.MemoryGuard?.Releases ?? 0} releases over {step} steps");
        Console.WriteLine($"RESULT csharp config={name} step_ms={median:F0} ratio_vs_pytorch113={median / config.PyTorch113Ms:F2} " +
            $"ratio_vs_pytorch26={median / config.PyTorch26Ms:F2} peak_rss_mib={peak:F0} (PyTorch {config.PeakRss113}/{config.PeakRss26})");
    }

    private static TensorDataset SyntheticImages(long samples, DartsBenchmarkConfig config, Device device)
    {
        using var scope = NewDisposeScope();
        var features = randn(samples, config.InputChannels, config.ImageSize, config.ImageSize);
        var labels = randint(0, 10, [samples]);
        return new TensorDataset(features, labels, device, 10);
    }
}
