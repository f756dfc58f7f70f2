using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the DARTS estimator (<c>mlContext.Nas().Darts(...)</c>). Search settings default to NNI's (NNI v1.9 `darts/` and the DARTS paper, arXiv 1806.09055)
/// except the epochs, kept small enough for a laptop; the final training settings are in <see cref="NasOptions"/>.
/// </summary>
public sealed class DartsOptions : NasOptions
{
    /// <summary>Search epochs.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Search batch size.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Initial SGD learning rate of the supernet's weights (cosine to 0.001).</summary>
    public double LearningRate { get; set; } = 0.025;

    /// <summary>Adam learning rate of the architecture weights (alphas).</summary>
    public double ArchitectureLearningRate { get; set; } = 3e-4;

    /// <summary>Weight decay of the alphas' Adam.</summary>
    public double ArchitectureWeightDecay { get; set; } = 1e-3;

    /// <summary>The paper's second-order (unrolled) architecture step; first order when false.</summary>
    public bool Unrolled { get; set; }

    /// <summary>The space searched for images when <see cref="NasOptions.SearchSpace"/> is null: small DARTS cells.</summary>
    internal static SearchSpaceSpec DefaultImageSpace => SearchSpaces.DartsCells(channels: 8, layers: 3);
}
