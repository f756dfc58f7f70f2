using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.Gdas;
using Microsoft.ML.Nas.Strategies.PcDarts;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// A DARTS-family search of one benchmark configuration, ready to run step after step (architecture step + weight step)
/// as the loop runs them: random normal images gathered by index as in a real search, the DARTS network (4 nodes, stem
/// multiplier 3) and the trainer on a device. The strategy is DARTS, GDAS (one sampled op per edge) or PC-DARTS (K = 4,
/// the network built with partial channels); GDAS and PC-DARTS are first order. Shared by the benchmarks' <c>darts</c>,
/// <c>gdas</c> and <c>pc-darts</c> commands and the device check.
/// </summary>
internal sealed class DartsStepSession : IDisposable
{
    private readonly TensorDataset data;
    private readonly DartsNetwork model;
    private readonly OneShotPhase phase;
    private int step;

    public DartsStepSession(DartsBenchmarkConfig config, string device, int threads, bool releaseFreedMemory = true,
        double? freedMemorySlack = null, string strategy = "darts")
    {
        if (strategy != "darts" && config.Unrolled)
        {
            throw new ArgumentException($"{strategy} is first order: use a -first configuration.", nameof(config));
        }
        Config = config;
        random.manual_seed(0);
        Device = DeviceSelection.Resolve(device);
        data = SyntheticImages(16L * config.BatchSize, config, Device);
        int partialChannels = strategy == "pc-darts" ? 4 : 1;
        model = new DartsNetwork(config.InputChannels, config.ImageSize, config.Channels, 10, config.Layers, nodes: 4, stemMultiplier: 3,
            partialChannels: partialChannels);
        DifferentiableTrainerOptions options = strategy switch
        {
            "darts" => new DartsTrainerOptions { Unrolled = config.Unrolled },
            "gdas" => new GdasTrainerOptions(),
            "pc-darts" => new PcDartsTrainerOptions { PartialChannels = partialChannels },
            _ => throw new ArgumentException($"Unknown strategy '{strategy}'; known: darts, gdas, pc-darts.", nameof(strategy)),
        };
        options.TrainData = data;
        options.BatchSize = config.BatchSize;
        options.Epochs = 1;
        options.Device = device;
        options.Threads = threads;
        options.LogFrequency = 0;
        options.ReleaseFreedMemory = releaseFreedMemory;
        options.FreedMemorySlack = freedMemorySlack ?? options.FreedMemorySlack;
        IOneShotStrategy search = options switch
        {
            DartsTrainerOptions darts => new DartsStrategy(darts),
            GdasTrainerOptions gdas => new GdasStrategy(gdas),
            PcDartsTrainerOptions pc => new PcDartsStrategy(pc),
            _ => throw new InvalidOperationException(),
        };
        Loop = new OneShotTrainer(model, search, options);
        phase = Loop.Strategy.PlanEpoch(0)[0];
        model.train();
    }

    public DartsBenchmarkConfig Config { get; }

    /// <summary>A configuration name, prefixed by "gdas-" or "pc-darts-" for those strategies (e.g. "gdas-mnist-first").</summary>
    public static (string Strategy, DartsBenchmarkConfig Config) Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var strategy in new[] { "gdas", "pc-darts" })
        {
            if (name.StartsWith(strategy + "-", StringComparison.Ordinal))
            {
                return (strategy, DartsBenchmarkConfig.Find(name[(strategy.Length + 1)..]));
            }
        }
        return ("darts", DartsBenchmarkConfig.Find(name));
    }

    public Device Device { get; }

    /// <summary>The loop running the strategy's steps.</summary>
    public OneShotTrainer Loop { get; }

    /// <summary>How many steps have run.</summary>
    public int Steps => step;

    /// <summary>Runs the next search step (the epoch's steps cycle over the 8 batches of each half).</summary>
    public void Step() => Loop.RunStep(phase, step++ % phase.Steps);

    public void Dispose()
    {
        Loop.Dispose();
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
