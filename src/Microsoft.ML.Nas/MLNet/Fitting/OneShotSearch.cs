using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// A search by a one-shot strategy on the run's supernet and data, with the options' <c>Search</c> settings as they
/// are: the catalog names the strategy, its default image space, how to make it from its options, and (for PC-DARTS)
/// the search supernet's spec when it differs from the space's.
/// </summary>
internal sealed class OneShotSearch<TSearch>(string name, SearchSpaceSpec defaultImageSpace, NasOptions<TSearch> options,
    Func<TSearch, IOneShotStrategy> createStrategy, Func<SearchSpaceSpec, SearchSpaceSpec>? searchSpace = null) : IArchitectureSearch
    where TSearch : OneShotTrainerOptions, new()
{
    public string Name => name;

    public SearchSpaceSpec DefaultImageSpace(SpaceContext context) => defaultImageSpace;

    public (Architecture Architecture, IReadOnlyList<NasEpochRecord> History) Search(NasRun run)
    {
        var search = options.Search;
        // Seeded before the build so the supernet's initial weights follow the seed; the trainer seeds again for its
        // own draws, as a run written by hand with the trainer does.
        random.manual_seed(run.Environment.Seed);
        var searchSpec = searchSpace?.Invoke(run.Spec) ?? run.Spec;
        using var supernet = SearchSpaceRegistry.Build(searchSpec, run.Context);
        // A budget (parameters, latency) bounds the network Fit trains and serves: with final multipliers the wider or deeper one, and after a
        // search on a transformed space (PC-DARTS's partial channels) the space as given. The trainer reseeds torch after
        // this build, so the search draws what it would without it.
        using var budgetModel = (search.MaxParameters is not null || search.MaxLatency is not null) && !ReferenceEquals(run.FinalSpec, searchSpec)
            ? SearchSpaceRegistry.Build(run.FinalSpec, run.Context) : null;
        using var trainer = new OneShotTrainer(supernet, createStrategy(search), search,
            run.EnvironmentFor(NasSearchHistory.SearchPhase), run.Train, run.Validation, run.Budget.ForSearch(), budgetModel, "Search.");
        trainer.Train();
        var architecture = trainer.Export();
        var history = trainer.History.Select(r => OneShotBridge.ToHistory(NasSearchHistory.SearchPhase, r)).ToArray();
        return (architecture, ServedLatency.WithPrediction(history, trainer.ExportedLatency));
    }
}
