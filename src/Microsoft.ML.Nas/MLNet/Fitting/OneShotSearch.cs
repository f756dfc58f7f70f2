using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>A search by one of the library's one-shot trainers (DARTS or ENAS) on the run's supernet and data.</summary>
internal sealed class OneShotSearch : IArchitectureSearch
{
    private readonly Func<nn.Module<Tensor, Tensor>, NasRun, (OneShotTrainer Loop, IDisposable Trainer)> start;
    private readonly SearchSpaceSpec defaultImageSpace;

    private OneShotSearch(string name, SearchSpaceSpec defaultImageSpace, Func<nn.Module<Tensor, Tensor>, NasRun, (OneShotTrainer, IDisposable)> start)
    {
        Name = name;
        this.defaultImageSpace = defaultImageSpace;
        this.start = start;
    }

    public string Name { get; }

    public static OneShotSearch Darts(DartsOptions options) => new("DARTS", DartsOptions.DefaultImageSpace, (model, run) =>
    {
        var trainer = new DartsTrainer(model, Common(new DartsTrainerOptions
        {
            Epochs = options.Epochs, BatchSize = options.BatchSize, LearningRate = options.LearningRate,
            ArchitectureLearningRate = options.ArchitectureLearningRate, ArchitectureWeightDecay = options.ArchitectureWeightDecay,
            Unrolled = options.Unrolled,
        }, options, run));
        return (trainer.Loop, trainer);
    });

    public static OneShotSearch Enas(EnasOptions options) => new("ENAS", EnasOptions.DefaultImageSpace, (model, run) =>
    {
        var trainer = new EnasTrainer(model, Common(new EnasTrainerOptions
        {
            Epochs = options.Epochs, BatchSize = options.BatchSize, LearningRate = options.LearningRate,
            ChildSteps = options.ChildSteps, ControllerSteps = options.ControllerSteps, ControllerAggregate = options.ControllerAggregate,
            ControllerLearningRate = options.ControllerLearningRate, ExportMode = options.ExportMode, ExportSamples = options.ExportSamples,
            Controller = options.Controller
                ?? (run.Spec.Kind == SearchSpaces.EnasMicroKind ? EnasMutatorOptions.ForMicroSpace() : new EnasMutatorOptions()),
        }, options, run));
        return (trainer.Loop, trainer);
    });

    public SearchSpaceSpec DefaultImageSpace(SpaceContext context) => defaultImageSpace;

    public (Architecture Architecture, IReadOnlyList<NasEpochRecord> History) Search(NasRun run)
    {
        using var supernet = SearchSpaceRegistry.Build(run.Spec, run.Context);
        var (loop, trainer) = start(supernet, run);
        using (trainer)
        {
            loop.Train();
            var architecture = loop.Export();
            return (architecture, loop.History.Select(r => OneShotBridge.ToHistory(NasSearchHistory.SearchPhase, r)).ToArray());
        }
    }

    /// <summary>Sets what every one-shot trainer shares from the run.</summary>
    internal static T Common<T>(T trainer, NasOptions options, NasRun run, string phase = NasSearchHistory.SearchPhase)
        where T : OneShotTrainerOptions
    {
        trainer.TrainData = run.Train;
        trainer.ValidData = run.Validation;
        trainer.Seed = run.Seed;
        trainer.Device = OneShotBridge.DeviceOption(run.Device);
        trainer.Threads = options.Threads;
        trainer.ReleaseFreedMemory = options.ReleaseFreedMemory;
        trainer.Log = run.Log;
        trainer.Progress = new OneShotBridge(run, phase);
        trainer.CancellationToken = options.CancellationToken;
        return trainer;
    }
}
