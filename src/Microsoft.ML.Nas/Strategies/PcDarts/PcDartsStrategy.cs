using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Strategies.Darts;

namespace Microsoft.ML.Nas.Strategies.PcDarts;

/// <summary>
/// PC-DARTS plugged into <see cref="OneShotTrainer"/> (Xu et al., arXiv 1907.05737; the shared part:
/// <see cref="DifferentiableStrategy"/>): DARTS's first-order search on a
/// supernet whose edges run their ops on 1/K of the channels (partial channel connections, built into the
/// <see cref="DartsNetwork"/>), with edge normalization: β weights over each node's edges, softmax-normalized, weight
/// the edges in search and rank them at export (<see cref="DifferentiableMutator.EdgeNormalization"/>). The
/// architecture is retrained as a plain DARTS network (all channels).
/// </summary>
public sealed class PcDartsStrategy : DifferentiableStrategy
{
    private readonly PcDartsTrainerOptions options;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public PcDartsStrategy(PcDartsTrainerOptions options)
        : base("PC-DARTS", options)
    {
        this.options = options;
    }

    /// <summary>The mutator holding the alphas and the edges' βs (after attachment).</summary>
    public DartsMutator Mutator => (DartsMutator)Search.Mutator;

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
    public override void Attach(OneShotContext context)
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
        Search.Attach(context, model => new DartsMutator(model, edgeNormalization: true), "pc-darts");
    }

    /// <inheritdoc/>
    public override StepResult Step(OneShotPhase phase, int step)
    {
        var train = Search.WeightBatches.Next();
        var valid = Search.ArchitectureBatches.Next();
        double? architectureLoss = Search.ArchitectureStep(() => Search.FirstOrderGradient(valid));
        Search.Context.ReleaseFreedMemory();
        return Result(Search.WeightStep(train), architectureLoss);
    }
}
