using Microsoft.ML.Runtime;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>The NAS estimators of an MLContext: <c>mlContext.Nas()</c>.</summary>
public sealed class NasCatalog
{
    internal NasCatalog(IHostEnvironment environment)
    {
        Environment = environment;
    }

    internal IHostEnvironment Environment { get; }

    /// <summary>
    /// Trains a given architecture of a space without searching (e.g. one exported by an earlier search), and serves it
    /// like a searched one.
    /// </summary>
    /// <exception cref="ArgumentException">The options name no space or no architecture, or an option is out of range.</exception>
    public NasEstimator FixedArchitecture(FixedArchitectureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SearchSpace is null)
        {
            throw new ArgumentException("FixedArchitectureOptions.SearchSpace must name the space the architecture belongs to.", nameof(options));
        }
        var architecture = options.Architecture
            ?? throw new ArgumentException("FixedArchitectureOptions.Architecture must be set.", nameof(options));
        return new NasEstimator(Environment, options, new GivenArchitecture(architecture));
    }
}
