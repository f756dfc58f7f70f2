using Microsoft.ML.Nas.MLNet.Fitting;
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

    /// <summary>Searches with ENAS (a controller samples architectures of a shared supernet) and trains the best found.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public NasEstimator Enas(EnasOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        NasOptionsChecks.Positive(options.Epochs, nameof(options.Epochs));
        NasOptionsChecks.Positive(options.BatchSize, nameof(options.BatchSize));
        NasOptionsChecks.Positive(options.ChildSteps, nameof(options.ChildSteps));
        NasOptionsChecks.Positive(options.ControllerSteps, nameof(options.ControllerSteps));
        NasOptionsChecks.Positive(options.ControllerAggregate, nameof(options.ControllerAggregate));
        NasOptionsChecks.Positive(options.ExportSamples, nameof(options.ExportSamples));
        return new NasEstimator(Environment, options, OneShotSearch.Enas(options));
    }

    /// <summary>ENAS with default options on the named columns.</summary>
    public NasEstimator Enas(string labelColumnName = "Label", string featureColumnName = "Features", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel") =>
        Enas(new EnasOptions
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, ScoreColumnName = scoreColumnName,
            PredictedLabelColumnName = predictedLabelColumnName,
        });

    /// <summary>Searches with DARTS (softmax-relaxed choices learned by gradient) and trains the architecture found.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public NasEstimator Darts(DartsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        NasOptionsChecks.Positive(options.Epochs, nameof(options.Epochs));
        NasOptionsChecks.Positive(options.BatchSize, nameof(options.BatchSize));
        return new NasEstimator(Environment, options, OneShotSearch.Darts(options));
    }

    /// <summary>DARTS with default options on the named columns.</summary>
    public NasEstimator Darts(string labelColumnName = "Label", string featureColumnName = "Features", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel") =>
        Darts(new DartsOptions
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, ScoreColumnName = scoreColumnName,
            PredictedLabelColumnName = predictedLabelColumnName,
        });

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
