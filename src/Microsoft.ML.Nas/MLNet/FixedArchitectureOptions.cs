using Microsoft.ML.Nas.Architectures;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the estimator that trains a given architecture of a space without searching (e.g. one exported by an
/// earlier search, or sampled), as NNI's users retrain an exported architecture end to end.
/// </summary>
public sealed class FixedArchitectureOptions : NasOptions
{
    /// <summary>The architecture (required): one decision per key of <see cref="NasOptions.SearchSpace"/>'s network.</summary>
    public Architecture? Architecture { get; set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">No space or no architecture is given.</exception>
    public override void Validate()
    {
        base.Validate();
        if (SearchSpace is null)
        {
            throw new ArgumentException(
                $"{nameof(FixedArchitectureOptions)}.{nameof(SearchSpace)} must name the space the architecture belongs to.", nameof(SearchSpace));
        }
        if (Architecture is null)
        {
            throw new ArgumentException($"{nameof(FixedArchitectureOptions)}.{nameof(Architecture)} must be set.", nameof(Architecture));
        }
    }
}
