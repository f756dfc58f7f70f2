using Microsoft.ML.Nas.Strategies.Darts;

namespace Microsoft.ML.Nas.Strategies.Pdarts;

/// <summary>
/// Settings of a P-DARTS search (Chen et al., arXiv 1904.12760; NNI v1.9 <c>pdarts/</c>): <see cref="Stages"/> of
/// growing depth (NNI's 5 → 11 → 17 cells as depth ratios 1, 2.2 and 3.4 of the space's depth), dropping 3, 2 and 1 of
/// each edge's ops after them (NNI v1.9) with skip-connection dropout 0.1, 0.4 and 0.7 (the authors' command line), at
/// most <see cref="MaxSkipConnectionsPerNormalCell"/> = 2 skip connections per normal cell at export, and the alphas
/// resting for the first 40 % of each stage's epochs (<see cref="DifferentiableTrainerOptions.ArchitectureWarmupFraction"/>:
/// the authors' 10 of 25). <see cref="OneShotTrainerOptions.Epochs"/> is per stage (default 10, so 30 in all); the rest
/// are DARTS's first-order settings (<see cref="DifferentiableTrainerOptions"/>). The same object is the ML.NET P-DARTS
/// estimator's <c>Search</c> options.
/// </summary>
/// <remarks>
/// Under <see cref="OneShotTrainerOptions.TimeBudget"/> (or ML.NET's search share of <c>NasOptions.TimeBudget</c>),
/// each stage gets an equal share of the time left when it starts (the last stage all that is left), plans its epochs
/// to fit it, at most <see cref="OneShotTrainerOptions.Epochs"/>; time a stage leaves unused goes to the later ones.
/// </remarks>
public sealed class PdartsTrainerOptions : DifferentiableTrainerOptions
{
    /// <summary>
    /// How fast the skip dropout decays once the alphas learn: the rate of a stage's epoch e is
    /// rate × exp(−0.2 (e − w)) from the first epoch w in which they learn (the authors' code).
    /// </summary>
    public const double SkipDropoutDecay = 0.2;

    /// <summary>Creates the options with P-DARTS's defaults.</summary>
    public PdartsTrainerOptions()
    {
        ArchitectureWarmupFraction = 0.4;
    }

    /// <summary>
    /// The stages, in order; default three: depth ratios 1, 2.2 and 3.4 (NNI's 5, 11 and 17 cells from 5), dropping 3,
    /// 2 and 1 ops per edge after each, with skip dropout 0.1, 0.4 and 0.7. Each stage builds a fresh supernet with fresh
    /// alphas over the ops the stages before it kept.
    /// </summary>
    public IList<PdartsStage> Stages { get; set; } =
    [
        new PdartsStage { DepthRatio = 1, OpsToDrop = 3, SkipDropout = 0.1 },
        new PdartsStage { DepthRatio = 2.2, OpsToDrop = 2, SkipDropout = 0.4 },
        new PdartsStage { DepthRatio = 3.4, OpsToDrop = 1, SkipDropout = 0.7 },
    ];

    /// <summary>
    /// The paper's skip-connection limit M: at export, a normal cell keeps at most this many skip connections (identity
    /// candidates; pools do not count); while it has more, its weakest is replaced by its edge's strongest other op of
    /// the last stage and the cell's edges are chosen again (the authors' code). A normal cell is one none of whose
    /// choices holds a factorized reduce (DARTS's skip connection at stride 2, on the reduction cells' input edges).
    /// Default 2; null for no limit. <see cref="DifferentiableTrainerOptions.MaxParameterFreeOpsPerCell"/> applies as
    /// well when set.
    /// </summary>
    public int? MaxSkipConnectionsPerNormalCell { get; set; } = 2;

    /// <summary>
    /// The skip-connection dropout of epoch <paramref name="epoch"/> (from 0) of <paramref name="epochs"/> in stage
    /// <paramref name="stage"/>, as the authors' code sets it: while the alphas rest (the first
    /// ⌊<see cref="DifferentiableTrainerOptions.ArchitectureWarmupFraction"/> × epochs⌋ = w epochs) it falls linearly,
    /// rate × (epochs − epoch − 1) / epochs; from epoch w on it is rate × exp(−<see cref="SkipDropoutDecay"/> (epoch − w)).
    /// </summary>
    public double SkipDropoutAt(int stage, int epoch, int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        double rate = Stages[stage].SkipDropout;
        int resting = (int)Math.Floor(ArchitectureWarmupFraction * epochs);
        return epoch < resting ? rate * (epochs - epoch - 1) / epochs : rate * Math.Exp(-SkipDropoutDecay * (epoch - resting));
    }

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        var stages = OptionCheck.Present(Stages, path + nameof(Stages));
        OptionCheck.Require(stages.Count > 0, path + nameof(Stages), stages.Count + " stages", "at least one stage");
        for (int i = 0; i < stages.Count; i++)
        {
            OptionCheck.Present(stages[i], $"{path}{nameof(Stages)}[{i}]").Validate($"{path}{nameof(Stages)}[{i}].");
        }
        OptionCheck.Require(MaxSkipConnectionsPerNormalCell is null or >= 0, path + nameof(MaxSkipConnectionsPerNormalCell), MaxSkipConnectionsPerNormalCell,
            "null (no limit) or at least 0");
    }
}
