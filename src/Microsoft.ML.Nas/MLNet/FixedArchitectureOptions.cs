using Microsoft.ML.Nas.Architectures;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the estimator that trains a given architecture of a space without searching (e.g. one exported by an
/// earlier search, or sampled), as NNI's users retrain an exported architecture end to end.
/// </summary>
public sealed class FixedArchitectureOptions : NasOptions
{
    /// <summary>The architecture: one decision per key of <see cref="NasOptions.SearchSpace"/>'s network.</summary>
    public Architecture? Architecture { get; set; }
}
