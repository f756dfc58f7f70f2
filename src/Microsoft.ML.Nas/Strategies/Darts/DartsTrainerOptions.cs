namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// Settings of a DARTS search, with NNI's defaults (NNI v1.9 `darts/` and the DARTS paper, arXiv 1806.09055) except the epochs (10, not 50): weights by SGD 0.025
/// (momentum 0.9, wd 3e-4, cosine to 1e-3, clip 5), alphas by Adam 3e-4 (betas 0.5, 0.999; wd 1e-3), batch 64, first
/// order, no collapse guard. The same object is the ML.NET DARTS estimator's <c>Search</c> options.
/// </summary>
public sealed class DartsTrainerOptions : DifferentiableTrainerOptions
{
    /// <summary>Second order (the paper's unrolled step) instead of first order; default false.</summary>
    public bool Unrolled { get; set; }

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.Require(!Unrolled || WeightOptimizer == Optimizers.WeightOptimizerKind.Sgd, path + nameof(WeightOptimizer), WeightOptimizer,
            $"Sgd when {nameof(Unrolled)} is set (the second-order step unrolls a plain SGD step)");
    }
}
