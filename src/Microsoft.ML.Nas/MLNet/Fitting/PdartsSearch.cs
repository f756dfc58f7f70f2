using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Pdarts;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// A P-DARTS search on the run's space and data: each stage builds the space at its depth (the spec's <c>layers</c>
/// grown by the stage), so the space must be one whose depth grows with the same decision keys: darts-cells.
/// </summary>
internal sealed class PdartsSearch(NasOptions<PdartsTrainerOptions> options) : IArchitectureSearch
{
    public string Name => "P-DARTS";

    public SearchSpaceSpec DefaultImageSpace(SpaceContext context) => SearchSpaces.DartsCells(channels: 8, layers: 3);

    /// <summary>Refuses, naming <c>SearchSpace</c>, a space whose depth P-DARTS cannot grow.</summary>
    /// <exception cref="ArgumentException">The space is not darts-cells.</exception>
    public static void CheckSpace(SearchSpaceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind != SearchSpaces.DartsCellsKind)
        {
            throw new ArgumentException(
                $"{nameof(NasOptions.SearchSpace)}: P-DARTS grows the searched network's depth between its stages, which needs a space whose cells share their " +
                $"decisions at any depth; only '{SearchSpaces.DartsCellsKind}' (its 'layers') is, not '{spec.Kind}'. Set {nameof(NasOptions.SearchSpace)} to " +
                $"SearchSpaces.DartsCells(...) (the default for images), or search '{spec.Kind}' with DARTS or GDAS.", nameof(NasOptions.SearchSpace));
        }
    }

    public (Architecture Architecture, IReadOnlyList<NasEpochRecord> History) Search(NasRun run)
    {
        CheckSpace(run.Spec);
        var search = options.Search;
        int layers = run.Spec.GetInt32("layers");
        // The budget bounds the network Fit trains and serves: the space as given, with the final multipliers.
        using var budgetModel = search.MaxParameters is not null || search.MaxLatency is not null ? SearchSpaceRegistry.Build(run.FinalSpec, run.Context) : null;
        using var trainer = new PdartsTrainer(depth => SearchSpaceRegistry.Build(run.Spec.With("layers", depth), run.Context), layers, search,
            run.EnvironmentFor(NasSearchHistory.SearchPhase), run.Train, run.Validation, run.Budget.ForSearch(), budgetModel, "Search.");
        trainer.Train();
        var architecture = trainer.Export();
        return (architecture, trainer.History.Select(r => OneShotBridge.ToHistory(NasSearchHistory.SearchPhase, r)).ToArray());
    }
}
