using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// An ENAS search of one benchmark configuration through the real strategy, ready to run child steps (sample an
/// architecture, SGD step of the shared weights) and controller steps (20 aggregated reward batches and one REINFORCE
/// step), each as the loop runs it. Macro: 6 layers of 16 filters; micro: 3 layers, 5 nodes, 8 channels, no auxiliary
/// head; NNI's settings (SGD 0.05 momentum 0.9 wd 1e-4, controller Adam 3.5e-4, clip 5). Shared by the benchmarks'
/// <c>enas</c> command and the device check.
/// </summary>
internal sealed class EnasStepSession : IDisposable
{
    private static readonly OneShotPhase ChildPhase = new("child", int.MaxValue);
    private static readonly OneShotPhase ControllerPhase = new("controller", int.MaxValue);
    private readonly TensorDataset data;
    private readonly nn.Module<Tensor, Tensor> model;

    public EnasStepSession(EnasBenchmarkConfig config, string device, int? threads, bool releaseFreedMemory = true,
        double? freedMemorySlack = null)
    {
        Config = config;
        random.manual_seed(0);
        Device = DeviceSelection.Resolve(device);
        data = BenchmarkImages.Create(config.Digits, config.SampleShape, config.BatchSize * 40, Device);
        var spec = config.Micro
            ? SearchSpaces.EnasMicro(layers: 3, nodes: 5, channels: 8, auxiliary: false, dropout: 0)
            : SearchSpaces.EnasMacro(layers: 6, filters: 16, sharedReductions: true);   // pytorch/enas.py's (NNI's) layout
        model = SearchSpaceRegistry.Build(spec, new SpaceContext(config.SampleShape, 10));
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
        };
        options.FreedMemorySlack = freedMemorySlack ?? options.FreedMemorySlack;
        Trainer = new EnasTrainer(model, options);
        model.train();
    }

    public EnasBenchmarkConfig Config { get; }

    public Device Device { get; }

    public EnasTrainer Trainer { get; }

    /// <summary>One child step: a freshly sampled architecture and an SGD step of the shared weights.</summary>
    public void ChildStep() => Trainer.Loop.RunStep(ChildPhase, 0);

    /// <summary>One controller step: 20 reward batches and one REINFORCE step.</summary>
    public void ControllerStep() => Trainer.Loop.RunStep(ControllerPhase, 0);

    public void Dispose()
    {
        Trainer.Dispose();
        model.Dispose();
        data.Dispose();
    }
}
