using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutators;

namespace Microsoft.ML.Nas.Strategies.Random;

/// <summary>
/// Random one-shot search plugged into <see cref="OneShotTrainer"/>: every step trains the shared weights on a
/// uniformly drawn path (<see cref="RandomMutator"/>); the export draws <see cref="RandomTrainerOptions.ExportSamples"/>
/// architectures, scores each on the validation data (else on a held-out share of the training data) and exports the
/// best. The baseline every search strategy has to beat.
/// </summary>
public sealed class RandomStrategy : IOneShotStrategy
{
    private const int StateVersion = 1;

    private readonly RandomTrainerOptions options;
    private readonly List<ScoredArchitecture> exportCandidates = [];
    private OneShotContext? context;
    private SinglePathSupernet? supernet;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public RandomStrategy(RandomTrainerOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <inheritdoc/>
    public string Name => "Random";

    /// <summary>The mutator drawing the paths (after attachment).</summary>
    public RandomMutator Mutator => Attached.Mutator;

    /// <summary>The architectures the last <see cref="Export"/> scored, in draw order; the exported one is marked.</summary>
    public IReadOnlyList<ScoredArchitecture> ExportCandidates => exportCandidates;

    private SinglePathSupernet Attached => supernet ?? throw new InvalidOperationException("The Random strategy is not attached to a trainer yet.");

    /// <inheritdoc/>
    public void Attach(OneShotContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        supernet = new SinglePathSupernet(context, options, Name);
    }

    /// <inheritdoc/>
    public void OnEpochStart(int epoch)
    {
    }

    /// <inheritdoc/>
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch) => [Attached.TrainPhase];

    /// <inheritdoc/>
    public StepResult Step(OneShotPhase phase, int step) => Attached.TrainStep();

    /// <inheritdoc/>
    public EvaluationResult? Validate(int epoch) => Attached.Validate();

    /// <summary>Random keeps no architecture weights.</summary>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => new Dictionary<string, float[]>();

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StateVersion);
        writer.Write(Mutator.SamplerState);
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int version = reader.ReadInt32();
        if (version != StateVersion)
        {
            throw new InvalidDataException($"The checkpoint's Random state is version {version}; this build reads version {StateVersion}.");
        }
        Mutator.SamplerState = reader.ReadUInt64();
    }

    /// <summary>
    /// The best of <see cref="RandomTrainerOptions.ExportSamples"/> drawn architectures within the budget, as scored
    /// with the shared weights (<see cref="BestOfSamples"/>). The draws do not advance the sampling stream, so exporting
    /// twice gives the same architecture; the supernet is left on it.
    /// </summary>
    public Architecture Export()
    {
        var ctx = context ?? throw new InvalidOperationException("The Random strategy is not attached to a trainer yet.");
        var single = Attached;
        ulong position = single.Mutator.SamplerState;
        exportCandidates.Clear();
        try
        {
            var scored = BestOfSamples.Run(ctx, Name, options.ExportSamples,
                () =>
                {
                    single.Mutator.Reset();
                    return single.Mutator.Export();
                },
                single.Scorer.Score);
            exportCandidates.AddRange(scored);
            var best = scored.Single(s => s.Exported).Architecture;
            single.Mutator.SetDecisions(best);
            return best;
        }
        finally
        {
            single.Mutator.SamplerState = position;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => supernet?.Dispose();
}
