using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.MLNet.Fitting;
using Microsoft.ML.Nas.MLNet.Persistence;
using Microsoft.ML.Nas.MLNet.Scoring;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Searches an architecture and trains it: validate the schema, read the data once onto the device, search, rebuild
/// the found architecture from the spec, prune it, train it from scratch and return a <see cref="NasTransformer"/>.
/// </summary>
public sealed class NasEstimator : IEstimator<NasTransformer>
{
    private readonly IHost host;
    private readonly NasOptions options;
    private readonly IArchitectureSearch search;

    internal NasEstimator(IHostEnvironment environment, NasOptions options, IArchitectureSearch search)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        host = environment.Register($"Nas.{search.Name}");
        this.options = options;
        this.search = search;
        options.Validate();
    }

    /// <summary>Runs the search and the final training on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range or sets what Fit supplies (it may have changed since the estimator was made).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type; the message names it.</exception>
    /// <exception cref="InvalidDataException">
    /// The training or validation data has no rows, or NaN or infinite features (the message names the column, the
    /// first bad row and how many there are).
    /// </exception>
    /// <exception cref="Strategies.NonFiniteTrainingException">Training diverged to NaN or infinity; the message says where.</exception>
    /// <exception cref="OperationCanceledException">ML.NET's execution or the options' token was cancelled (checked between batches).</exception>
    public NasTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        options.Validate();
        // Started first: the budget covers the whole Fit, reading the data included.
        var budget = new FitTimeBudget(options.TimeBudget, options.SearchTimeFraction);
        var columns = new NasColumns(options.FeatureColumnName, options.LabelColumnName, options.ScoreColumnName, options.PredictedLabelColumnName);
        NasDataReader.ThrowIfEmpty(input, "training data");
        var vector = NasSchemaChecks.CheckFeatures(input.Schema, columns.Features);
        int classes = NasSchemaChecks.CheckLabel(input.Schema, columns.Label);
        var labelValues = LabelKeyValues.From(input.Schema[columns.Label], classes);
        var context = new SpaceContext(NasSampleShape.Of(vector, columns.Features, options.ImageShape), classes);
        var spec = options.SearchSpace ?? (context.IsImage ? search.DefaultImageSpace(context) : SearchSpaces.Mlp());
        var finalSpec = FinalTraining.Spec(spec, options);
        using var channel = host.Start("NAS");
        using var progressChannel = host.StartProgressChannel($"NAS {search.Name}");
        using var cancellation = new NasCancellation(host, options.CancellationToken);
        // The one place a Fit turns its options into a device, a thread count and a seed; both phases run in it.
        var environment = TrainingEnvironment.Resolve(MLNetInternals.DeviceOption(host, options.Device), options.Threads,
            options.Seed ?? MLNetInternals.Seed(host) ?? 0, cancellation.Token, progress: null, log: message => channel.Info(MessageSensitivity.None, message));
        var progress = new NasProgressReporter(progressChannel, options.Progress);
        var total = Stopwatch.StartNew();
        channel.Info(MessageSensitivity.None, $"NAS {search.Name}: space {spec}, samples [{string.Join(", ", context.SampleShape)}], {classes} classes, " +
            $"device {environment.Device}, {environment.Threads} threads, seed {environment.Seed}" +
            (options.TimeBudget is { } length ? $", time budget {length} ({options.SearchTimeFraction:P0} to the search)." : "."));

        var train = NasDataReader.Read(input, "training data", columns, context.SampleShape, classes, environment.Device, cancellation.ThrowIfCancellationRequested);
        using var trainData = train.Data;
        var validation = options.ValidationData is null ? null
            : NasDataReader.Read(options.ValidationData, "validation data", columns, context.SampleShape, classes, environment.Device, cancellation.ThrowIfCancellationRequested);
        using var validationData = validation?.Data;
        channel.Info(MessageSensitivity.None, $"Read {trainData.Count} training rows ({train.SkippedRows} without a label skipped)" +
            (validationData is null ? "." : $" and {validationData.Count} validation rows."));

        void EpochCompleted(NasEpochRecord record) => channel.Info(MessageSensitivity.None, $"{record.Phase} epoch {record.Epoch + 1}: " +
            string.Join(", ", record.Metrics.Where(m => !m.Key.StartsWith("weight.", StringComparison.Ordinal))
                .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G5}"))));
        var run = new NasRun
        {
            Spec = spec, FinalSpec = finalSpec, Context = context, Train = trainData, Validation = validationData, Environment = environment,
            Cancellation = cancellation, ReportProgress = progress.Report, EpochCompleted = EpochCompleted, Budget = budget,
        };
        var searchClock = Stopwatch.StartNew();
        var (architecture, searchHistory) = search.Search(run);
        channel.Info(MessageSensitivity.None, $"Search took {searchClock.Elapsed.TotalSeconds:F1} s; architecture: {architecture.ToJson()}");

        double width = options.FinalWidthMultiplier ?? 1;
        if (options.ChoosesFinalWidth)
        {
            (finalSpec, width) = FinalWidthChoice.Choose(run, architecture, options.Final, options.FinalDepthMultiplier, options.FinalMinimumEpochs,
                options.SearchOptions, message => channel.Info(MessageSensitivity.None, message));
        }
        if (!finalSpec.Equals(spec))
        {
            channel.Info(MessageSensitivity.None, $"Final network: {finalSpec} (width ×{width}, depth ×{options.FinalDepthMultiplier}), trained from scratch.");
        }
        var (model, trainedHistory) = FinalTraining.Run(run, finalSpec, architecture, options.Final);
        IReadOnlyList<NasEpochRecord> finalHistory;
        try
        {
            finalHistory = ServedLatency.WithMeasurement(run, searchHistory, trainedHistory, model, message => channel.Info(MessageSensitivity.None, message));
        }
        catch
        {
            model.Dispose();
            throw;
        }
        channel.Info(MessageSensitivity.None, $"NAS {search.Name} finished in {total.Elapsed.TotalSeconds:F1} s.");
        var payload = new NasModelPayload
        {
            Spec = finalSpec, Architecture = architecture, Context = context, Columns = columns, LabelValues = labelValues,
            History = new NasSearchHistory([.. searchHistory, .. finalHistory]), Model = model,
        };
        return new NasTransformer(host, payload, environment.Device);
    }

    /// <summary>The input's columns with Score and PredictedLabel added.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        NasOutputShape.Build(inputSchema, new NasColumns(options.FeatureColumnName, options.LabelColumnName, options.ScoreColumnName, options.PredictedLabelColumnName));
}
