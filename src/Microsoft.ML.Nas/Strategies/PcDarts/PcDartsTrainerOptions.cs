using Microsoft.ML.Nas.Strategies.Darts;

namespace Microsoft.ML.Nas.Strategies.PcDarts;

/// <summary>
/// Settings of a PC-DARTS search (Xu et al., arXiv 1907.05737): <see cref="PartialChannels"/> K = 4 and the alphas
/// resting for the first 30 % of the epochs (<see cref="DifferentiableTrainerOptions.ArchitectureWarmupFraction"/>; the
/// paper's 15 of 50), as in the paper; the rest are DARTS's first-order settings (<see cref="DifferentiableTrainerOptions"/>;
/// NNI's defaults, 10 epochs).
/// The same object is the ML.NET PC-DARTS estimator's <c>Search</c> options.
/// </summary>
public sealed class PcDartsTrainerOptions : DifferentiableTrainerOptions
{
    /// <summary>Creates the options with PC-DARTS's defaults.</summary>
    public PcDartsTrainerOptions()
    {
        ArchitectureWarmupFraction = 0.3;
    }

    /// <summary>
    /// K: each edge's ops see 1/K of its channels; default 4. The supernet must be built with the same K
    /// (<c>DartsNetwork(..., partialChannels: K)</c>; through ML.NET the estimator builds it), and the space's channels
    /// must be a multiple of it.
    /// </summary>
    public int PartialChannels { get; set; } = 4;

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.Positive(PartialChannels, path + nameof(PartialChannels));
    }
}
