namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// Settings the DARTS family shares (<see cref="DartsTrainerOptions"/>, <c>GdasTrainerOptions</c>): the alphas' Adam
/// with NNI's DARTS defaults (3e-4, betas 0.5 and 0.999, weight decay 1e-3) and the export's collapse guard.
/// </summary>
public abstract class DifferentiableTrainerOptions : OneShotTrainerOptions
{
    /// <summary>Learning rate of the alphas' Adam; default 3e-4.</summary>
    public double ArchitectureLearningRate { get; set; } = 3e-4;

    /// <summary>First Adam beta of the alphas; default 0.5.</summary>
    public double ArchitectureBeta1 { get; set; } = 0.5;

    /// <summary>Second Adam beta of the alphas; default 0.999.</summary>
    public double ArchitectureBeta2 { get; set; } = 0.999;

    /// <summary>L2 weight decay of the alphas; default 1e-3.</summary>
    public double ArchitectureWeightDecay { get; set; } = 1e-3;

    /// <summary>
    /// The share of the search's epochs, from its start, in which only the weights train and the alphas rest: the first
    /// ⌊fraction × epochs⌋ epochs (of the plan under a time budget). Ops whose weights are still random give the alphas
    /// a biased signal, which favours parameter-free ops; PC-DARTS (arXiv 1907.05737) rests them for 15 of 50 epochs.
    /// Default 0 (NNI's DARTS and GDAS); <c>PcDartsTrainerOptions</c> defaults to the paper's 0.3.
    /// </summary>
    public double ArchitectureWarmupFraction { get; set; }

    /// <summary>
    /// The collapse guard (P-DARTS's rule, arXiv 1904.12760, which keeps at most M = 2 skip connections per normal cell):
    /// at export, a cell keeps at most this many parameter-free ops (candidates with no parameters: skip connections,
    /// and pools while their batch norms are not affine); when it has more, the weakest of them (the smallest weight of
    /// the chosen op) is replaced by its edge's best op with parameters and the cell's edges are chosen again, until
    /// every cell is within the cap. Null (default) for no guard; 2 for the paper's M. A cell is a <c>MutableScope</c>'s
    /// choices, or else the largest module around a choice in which no key occurs twice (one DARTS cell, since the
    /// cells of a type share their keys), which is the whole network for one without shared keys.
    /// </summary>
    public int? MaxParameterFreeOpsPerCell { get; set; }

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.NonNegative(ArchitectureLearningRate, path + nameof(ArchitectureLearningRate));
        OptionCheck.NonNegative(ArchitectureWeightDecay, path + nameof(ArchitectureWeightDecay));
        OptionCheck.Fraction(ArchitectureBeta1, path + nameof(ArchitectureBeta1));
        OptionCheck.Fraction(ArchitectureBeta2, path + nameof(ArchitectureBeta2));
        OptionCheck.Require(ArchitectureWarmupFraction is >= 0 and < 1, path + nameof(ArchitectureWarmupFraction), ArchitectureWarmupFraction,
            "at least 0 and below 1 (the alphas must train in some epoch)");
        OptionCheck.Require(MaxParameterFreeOpsPerCell is null or >= 0, path + nameof(MaxParameterFreeOpsPerCell), MaxParameterFreeOpsPerCell,
            "null (no guard) or at least 0");
    }
}
