using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// A DARTS search of one benchmark configuration, ready to run step after step (architecture step + weight step) as
/// the loop runs them: random normal images gathered by index as in a real search, the DARTS network (4 nodes, stem
/// multiplier 3) and the trainer on a device. Shared by the benchmarks' <c>darts</c> command and the device check.
/// </summary>
internal sealed class DartsStepSession : IDisposable
{
    private readonly TensorDataset data;
    private readonly DartsNetwork model;
    private readonly OneShotPhase phase;
    private int step;

    public DartsStepSession(DartsBenchmarkConfig config, string device, int threads, bool releaseFreedMemory = true,
        double? freedMemorySlack = null)
    {
        Config = config;
        random.manual_seed(0);
        Device = DeviceSelection.Resolve(device);
        data = SyntheticImages(16L * config.BatchSize, config, Device);
        model = new DartsNetwork(config.InputChannels, config.ImageSize, config.Channels, 10, config.Layers, nodes: 4, stemMultiplier: 3);
        var options = new DartsTrainerOptions
        {
            TrainData = data, BatchSize = config.BatchSize, Epochs = 1, Unrolled = config.Unrolled, Device = device,
            Threads = threads, LogFrequency = 0, ReleaseFreedMemory = releaseFreedMemory,
        };
        options.FreedMemorySlack = freedMemorySlack ?? options.FreedMemorySlack;
        Trainer = new DartsTrainer(model, options);
        phase = Trainer.Loop.Strategy.PlanEpoch(0)[0];
        model.train();
    }

    public DartsBenchmarkConfig Config { get; }

    public Device Device { get; }

    public DartsTrainer Trainer { get; }

    /// <summary>How many steps have run.</summary>
    public int Steps => step;

    /// <summary>Runs the next search step (the epoch's steps cycle over the 8 batches of each half).</summary>
    public void Step() => Trainer.Loop.RunStep(phase, step++ % phase.Steps);

    public void Dispose()
    {
        Trainer.Dispose();
        model.Dispose();
        data.Dispose();
    }

    // Step times depend on shapes, not on pixel values: 8 batches per half of the search's split.
    private static TensorDataset SyntheticImages(long samples, DartsBenchmarkConfig config, Device device)
    {
        using var scope = NewDisposeScope();
        var features = randn(samples, config.InputChannels, config.ImageSize, config.ImageSize);
        var labels = randint(0, 10, [samples]);
        return new TensorDataset(features, labels, device, 10);
    }
}
