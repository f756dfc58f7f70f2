namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// Settings of a DARTS search, with NNI's defaults (NNI v1.9 `darts/` and the DARTS paper, arXiv 1806.09055): weights by SGD 0.025 (momentum 0.9, wd 3e-4,
/// cosine to 1e-3, clip 5), alphas by Adam 3e-4 (betas 0.5, 0.999; wd 1e-3), batch 64, 50 epochs, first order.
/// </summary>
public sealed class DartsTrainerOptions : OneShotTrainerOptions
{
    /// <summary>Learning rate of the alphas' Adam.</summary>
    public double ArchitectureLearningRate { get; set; } = 3e-4;

    /// <summary>First Adam beta of the alphas.</summary>
    public double ArchitectureBeta1 { get; set; } = 0.5;

    /// <summary>Second Adam beta of the alphas.</summary>
    public double ArchitectureBeta2 { get; set; } = 0.999;

    /// <summary>L2 weight decay of the alphas.</summary>
    public double ArchitectureWeightDecay { get; set; } = 1e-3;

    /// <summary>Second order (the paper's unrolled step) instead of first order.</summary>
    public bool Unrolled { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (!(ArchitectureLearningRate >= 0) || !(ArchitectureWeightDecay >= 0))
        {
            throw new ArgumentException($"{nameof(ArchitectureLearningRate)} and {nameof(ArchitectureWeightDecay)} must be non-negative numbers.");
        }
        if (!(ArchitectureBeta1 is >= 0 and < 1) || !(ArchitectureBeta2 is >= 0 and < 1))
        {
            throw new ArgumentException($"{nameof(ArchitectureBeta1)} and {nameof(ArchitectureBeta2)} must lie in [0, 1).");
        }
        if (TrainData is { Count: < 2 })
        {
            throw new ArgumentException($"DARTS splits {nameof(TrainData)} in halves (weights / alphas): it needs at least 2 samples.", nameof(TrainData));
        }
    }
}
