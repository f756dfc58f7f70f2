using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Strategies.Darts;

namespace Microsoft.ML.Nas.Strategies.PcDarts;

/// <summary>
/// PC-DARTS plugged into <see cref="OneShotTrainer"/> (Xu et al., arXiv 1907.05737): DARTS's first-order search on a
/// supernet whose edges run their ops on 1/K of the channels (partial channel connections, built into the
/// <see cref="DartsNetwork"/>), with edge normalization: β weights over each node's edges, softmax-normalized, weight
/// the edges in search and rank them at export (<see cref="DifferentiableMutator.EdgeNormalization"/>). The
/// architecture is retrained as a plain DARTS network (all channels).
/// </summary>
public sealed class PcDartsStrategy : IOneShotStrategy
{
    private readonly PcDartsTrainerOptions options;
    private readonly DifferentiableSearch search;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public PcDartsStrategy(PcDartsTrainerOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        search = new DifferentiableSearch(Name, options);
    }

    /// <inheritdoc/>
    public string Name => "PC-DARTS";

    /// <summary>The half of the training data the weights train on (after attachment).</summary>
    public TensorDataset WeightData => search.WeightData;

    /// <summary>The half of the training data the alphas and βs train on, which chooses the architecture (after attachment).</summary>
    public TensorDataset ArchitectureData => search.ArchitectureData;

    /// <summary>The mutator holding the alphas and the edges' βs (after attachment).</summary>
    public DartsMutator Mutator => (DartsMutator)search.Mutator;

    /// <summary>
    /// The search supernet's spec for a space <paramref name="spec"/>: the darts-cells space with partial channels K.
    /// </summary>
    /// <exception cref="ArgumentException">The space is not darts-cells: no other space builds partial channels into its edges.</exception>
    public static SearchSpaceSpec SearchSpace(SearchSpaceSpec spec, int partialChannels)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind == SearchSpaces.DartsCellsKind ? spec.With("partialChannels", partialChannels)
            : throw new ArgumentException(
                $"PC-DARTS runs each edge's ops on 1/K of its channels, which a space must build into its edges; only '{SearchSpaces.DartsCellsKind}' " +
                $"does, not '{spec.Kind}'. Search that space with DARTS or GDAS.", nameof(spec));
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The model is not a <see cref="DartsNetwork"/> built with the options' partial channels.</exception>
    public void Attach(OneShotContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Model is not DartsNetwork network)
        {
            throw new ArgumentException(
                $"PC-DARTS runs each edge's ops on 1/K of its channels, which a space must build into its edges; only DartsNetwork does " +
                $"(partialChannels: K), not {context.Model.GetType().Name}. Search it with DARTS or GDAS.", nameof(context));
        }
        if (network.PartialChannels != options.PartialChannels)
        {
            throw new ArgumentException(
                $"The DartsNetwork was built with partialChannels {network.PartialChannels}, but {nameof(PcDartsTrainerOptions.PartialChannels)} is " +
                $"{options.PartialChannels}: build it with partialChannels: {options.PartialChannels}.", nameof(context));
        }
        search.Attach(context, model => new DartsMutator(model, edgeNormalization: true), "pc-darts");
    }

    /// <inheritdoc/>
    public void OnEpochStart(int epoch)
    {
    }

    /// <inheritdoc/>
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch) => search.PlanEpoch();

    /// <inheritdoc/>
    public StepResult Step(OneShotPhase phase, int step)
    {
        var train = search.WeightBatches.Next();
        var valid = search.ArchitectureBatches.Next();
        double architectureLoss = search.ArchitectureStep(() => search.FirstOrderGradient(valid));
        search.Context.ReleaseFreedMemory();
        var (loss, metric) = search.WeightStep(train);
        return new StepResult(loss, metric, new Dictionary<string, double> { ["arch_loss"] = architectureLoss });
    }

    /// <inheritdoc/>
    public EvaluationResult? Validate(int epoch) => search.Validate();

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => search.Mutator.Weights();

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer) => search.SaveState(writer);

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader) => search.LoadState(reader);

    /// <inheritdoc/>
    public Architecture Export() => search.Export();

    /// <inheritdoc/>
    public void Dispose() => search.Dispose();
}
