using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// ENAS step times through the real strategy: child steps (sample an architecture, SGD step of the shared weights)
/// and controller steps (20 aggregated reward batches and one REINFORCE step), each as the loop runs it (one dispose
/// scope per step), plus resident memory across the child steps. Macro: 6 layers of 16 filters; micro: 3 layers, 5
/// nodes, 8 channels, no auxiliary head.
/// </summary>
internal static class EnasBenchmark
{
    public sealed record Result(double ChildMs, double ControllerMs, double PeakMiB, double ResidentAfterWarmupMiB, double ResidentAtEndMiB);

    public static Result Run(EnasBenchmarkConfig config, int threads, int warmup, int childSteps, int controllerWarmup, int controllerSteps, string device,
        bool releaseFreedMemory, double freedMemorySlack)
    {
        random.manual_seed(0);
        using var data = Data(config, config.BatchSize * 40, DeviceSelection.Resolve(device));
        var spec = config.Micro
            ? SearchSpaces.EnasMicro(layers: 3, nodes: 5, channels: 8, auxiliary: false, dropout: 0)
            : SearchSpaces.EnasMacro(layers: 6, filters: 16);
        using var model = SearchSpaceRegistry.Build(spec, new SpaceContext(config.SampleShape, 10));
        var options = new EnasTrainerOptions
        {
            TrainData = data,
            BatchSize = config.BatchSize,
            LearningRate = 0.05,
            Momentum = 0.9,
            WeightDecay = 1e-4,
            GradientClip = 5,
            ControllerLearningRate = 3.5e-4,
            ControllerAggregate = 20,
            ControllerGradientClip = 5,
            Controller = config.Micro ? EnasMutatorOptions.ForMicroSpace() : new EnasMutatorOptions(),
            Epochs = 1,
            Threads = threads,
            Device = device,
            LogFrequency = 0,
            ReleaseFreedMemory = releaseFreedMemory,
            FreedMemorySlack = freedMemorySlack,
        };
        using var trainer = new EnasTrainer(model, options);
        var child = new OneShotPhase("child", int.MaxValue);
        var controller = new OneShotPhase("controller", int.MaxValue);
        void Step(OneShotPhase phase) => trainer.Loop.RunStep(phase, 0);

        model.train();
        double residentAfterWarmup = 0;
        int done = 0;
        var trace = new List<string>();
        var childTimes = StepTimer.Measure(() =>
        {
            Step(child);
            if (++done == warmup + 20)
            {
                residentAfterWarmup = ProcessMemory.ResidentMiB();
            }
            if ((done - warmup) % 50 == 0 && done > warmup)
            {
                trace.Add($"{done - warmup}:{ProcessMemory.ResidentMiB():F0}");
            }
        }, warmup, childSteps);
        double residentAtEnd = ProcessMemory.ResidentMiB();
        Console.WriteLine($"  {config.Name}: resident MiB by timed child step: {string.Join(" ", trace)}");
        var controllerTimes = StepTimer.Measure(() => Step(controller), controllerWarmup, controllerSteps);
        Console.WriteLine($"  {config.Name}: child step {StepTimer.Describe(childTimes)}; controller step {StepTimer.Describe(controllerTimes)}; " +
            $"memory releases {trainer.Loop.Context.MemoryGuard?.Releases ?? 0}");
        return new Result(StepTimer.Median(childTimes), StepTimer.Median(controllerTimes), ProcessMemory.PeakResidentMiB(), residentAfterWarmup, residentAtEnd);
    }

    private static TensorDataset Data(EnasBenchmarkConfig config, int count, Device device)
    {
        if (config.Digits)
        {
            var digits = MnistDigits.Load();
            var indices = digits.TrainIndices[..count];
            return TensorDataset.FromArrays(digits.GetFeatures(indices), config.SampleShape, digits.GetLabels(indices), device, 10);
        }
        // CIFAR-shaped noise: step times depend on shapes, not on pixel values.
        using var features = randn([count, .. config.SampleShape]);
        using var labels = randint(0, 10, [count], dtype: ScalarType.Int64);
        return new TensorDataset(features, labels, device, 10);
    }
}
