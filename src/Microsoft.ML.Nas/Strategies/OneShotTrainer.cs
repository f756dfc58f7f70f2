using System.Diagnostics;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Strategies.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// The loop every one-shot strategy shares: data on a device, seeded batches, epochs, the weights' optimizer (SGD unless
/// <see cref="OneShotTrainerOptions.WeightOptimizer"/> says otherwise) with a cosine schedule (optionally warmed up)
/// and gradient clipping, logs every N steps, progress, a per-epoch history, a checkpoint after every epoch,
/// <see cref="Resume"/>, cancellation between steps and <see cref="Export(string)"/>. The algorithm is the
/// <see cref="IOneShotStrategy"/> plugged in.
/// </summary>
public sealed class OneShotTrainer : IDisposable
{
    private readonly List<EpochRecord> history = [];
    private readonly List<TensorDataset> owned = [];
    private readonly OneShotContext context;
    private nn.Module<Tensor, Tensor>? latencyModel;
    private readonly string? checkpointDirectory;
    private bool disposed;

    /// <summary>
    /// Resolves the options' environment (device, threads, seed, cancellation, progress, log), moves
    /// <paramref name="model"/> and the data to the device and attaches <paramref name="strategy"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is missing or out of range (the message names it).</exception>
    public OneShotTrainer(nn.Module<Tensor, Tensor> model, IOneShotStrategy strategy, OneShotTrainerOptions options)
        : this(model, strategy, Checked(options), TrainingEnvironment.From(options), options.TrainData!, options.ValidData, OwnBudget(options))
    {
    }

    /// <summary>
    /// A loop in an environment resolved by its caller (an ML.NET Fit, for its search and final training), on data the
    /// caller supplies; the options' own environment and data settings are not read. Seeds torch's generator, as the
    /// public constructor does, so a phase draws the same numbers as the same run written by hand. A
    /// <paramref name="budget"/> replaces the options' own <see cref="OneShotTrainerOptions.TimeBudget"/> (a Fit's share of its budget).
    /// </summary>
    /// <remarks>
    /// With <see cref="OneShotTrainerOptions.MaxParameters"/> or <see cref="OneShotTrainerOptions.MaxLatency"/>,
    /// <c>budgetModel</c> is the supernet whose architectures the budget counts and times, when it is not the model
    /// searched (an ML.NET Fit that trains the found architecture wider counts the wider one; it is moved to the device
    /// to be timed), and <c>optionPath</c> where the options sit, for messages (<c>Search.</c>). A
    /// <c>checkpointDirectory</c> replaces the options' <see cref="OneShotTrainerOptions.CheckpointDirectory"/> (one
    /// P-DARTS stage's folder).
    /// </remarks>
    internal OneShotTrainer(nn.Module<Tensor, Tensor> model, IOneShotStrategy strategy, OneShotTrainerOptions options,
        TrainingEnvironment environment, TensorDataset trainData, TensorDataset? validData, TimeBudget? budget = null,
        nn.Module<Tensor, Tensor>? budgetModel = null, string optionPath = "", string? checkpointDirectory = null)
    {
        this.checkpointDirectory = checkpointDirectory ?? options.CheckpointDirectory;
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(trainData);
        Options = options;
        Strategy = strategy;
        Environment = environment;
        Budget = budget ?? OwnBudget(options);
        var architectureBudget = ArchitectureBudgetOf(model, budgetModel, trainData, optionPath);
        // After the latency measurement, which draws nothing but runs forwards: the training starts from the seed.
        Runtime.TorchRuntime.ManualSeed(environment.Seed);
        var (train, valid) = PlaceData(trainData, validData);
        var optimizer = WeightOptimizers.Create(model.parameters(), options);
        context = new OneShotContext(model, environment, options, train, valid, optimizer, architectureBudget) { TimeBudgeted = Budget is not null };
        try
        {
            strategy.Attach(context);
        }
        catch
        {
            optimizer.Dispose();
            owned.ForEach(data => data.Dispose());
            throw;
        }
    }

    /// <summary>The settings.</summary>
    public OneShotTrainerOptions Options { get; }

    /// <summary>The algorithm plugged in.</summary>
    public IOneShotStrategy Strategy { get; }

    /// <summary>The device, threads, seed, cancellation, progress and log this loop runs with.</summary>
    public TrainingEnvironment Environment { get; }

    /// <summary>The device the model and data live on.</summary>
    public Device Device => Environment.Device;

    /// <summary>The time budget this training keeps, or null for none (the epochs of the options run).</summary>
    internal TimeBudget? Budget { get; }

    /// <summary>
    /// Whether the time budget ended the training before its most epochs (<see cref="OneShotTrainerOptions.Epochs"/>, or
    /// through ML.NET a bound the budget alone decides): it planned fewer epochs, or cut the last one short (the
    /// history's records say which: <see cref="EpochRecord.TimeLeft"/>, <see cref="EpochRecord.CutShortByTimeBudget"/>).
    /// </summary>
    public bool StoppedByTimeBudget => Budget is not null && (Budget.CutShort || history.Count < Budget.MaxEpochs);

    /// <summary>The model being searched.</summary>
    public nn.Module<Tensor, Tensor> Model => context.Model;

    /// <summary>What the strategy sees (data, streams, optimizer).</summary>
    public OneShotContext Context => context;

    /// <summary>One record per finished epoch.</summary>
    public IReadOnlyList<EpochRecord> History => history;

    /// <summary>Number of epochs finished (where <see cref="Train"/> continues).</summary>
    public int CompletedEpochs => history.Count;

    /// <summary>
    /// The learning rate of step <paramref name="step"/> (from 0) of the <paramref name="stepsInEpoch"/> steps of
    /// <paramref name="epoch"/>: a cosine from the initial to the minimum rate over the epochs, the same for every step
    /// of an epoch; with <see cref="OneShotTrainerOptions.WarmupEpochs"/>, a linear warm-up first and then the cosine,
    /// both step by step.
    /// </summary>
    public double LearningRateAt(int epoch, int step = 0, int stepsInEpoch = 1) => LearningRateSchedule.At(Options, context.Epochs, epoch, step, stepsInEpoch);

    /// <summary>Runs the epochs not yet finished and returns the whole history.</summary>
    /// <exception cref="OperationCanceledException">The options' token was cancelled (checked between steps).</exception>
    /// <exception cref="NonFiniteTrainingException">
    /// A loss, gradient norm or reported value became NaN or infinite; with checkpoints on, the state at the failure is
    /// written to a <c>non-finite</c> folder inside the checkpoint folder first, beside the last finished epoch's.
    /// </exception>
    public IReadOnlyList<EpochRecord> Train()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Budget?.Start();
        try
        {
            for (int epoch = CompletedEpochs; epoch < context.Epochs; epoch++)
            {
                RunEpoch(epoch);
            }
        }
        catch (NonFiniteTrainingException error) when (checkpointDirectory is { } directory)
        {
            string failure = Path.Combine(directory, "non-finite");
            SaveCheckpoint(failure);
            throw error.WithCheckpoint(failure);
        }
        finally
        {
            Budget?.Stop();
            Environment.Threading.Restore();
        }
        return history;
    }

    /// <summary>
    /// With <see cref="OneShotTrainerOptions.MaxLatency"/>, the predicted and the measured latency of the last export
    /// (<see cref="Export()"/>); null before an export or without a latency budget.
    /// </summary>
    public ArchitectureLatency? ExportedLatency { get; private set; }

    /// <summary>
    /// The architecture the strategy decides on now. With <see cref="OneShotTrainerOptions.MaxLatency"/>, its predicted
    /// latency and the latency measured by running the budget's supernet on only its candidates are logged and kept in
    /// <see cref="ExportedLatency"/>.
    /// </summary>
    public Architecture Export() => WithLatency(Strategy.Export());

    /// <summary>Writes the architecture the strategy decides on now to <paramref name="path"/> (NNI's JSON) and returns it.</summary>
    public Architecture Export(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var architecture = Export();
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
        architecture.Save(path);
        return architecture;
    }

    /// <summary>Writes everything a resume needs to <paramref name="directory"/> (created if missing).</summary>
    public void SaveCheckpoint(string directory) => OneShotCheckpoint.Save(directory, context, Strategy, history);

    /// <summary>
    /// Restores a checkpoint written by a trainer with the same model, strategy and options; <see cref="Train"/> then
    /// continues with the next epoch, as an uninterrupted run would.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder holds no checkpoint.</exception>
    /// <exception cref="InvalidDataException">The checkpoint does not fit this model or strategy.</exception>
    public void Resume(string directory)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var restored = OneShotCheckpoint.Load(directory, context, Strategy);
        history.Clear();
        history.AddRange(restored);
        Environment.Log?.Invoke($"Resumed from '{directory}' after epoch {history.Count}.");
    }

    /// <summary>
    /// Runs step <paramref name="step"/> of <paramref name="phase"/> as the epoch loop does: in a dispose scope of its
    /// own, then releasing the freed native memory (<see cref="OneShotContext.ReleaseFreedMemory"/>). For callers that
    /// drive steps themselves, such as benchmarks.
    /// </summary>
    /// <exception cref="NonFiniteTrainingException">The step met or reported a NaN or infinite number; the message says where.</exception>
    public StepResult RunStep(OneShotPhase phase, int step)
    {
        ArgumentNullException.ThrowIfNull(phase);
        StepResult result;
        try
        {
            using (NewDisposeScope())
            {
                result = Strategy.Step(phase, step);
            }
            result.ThrowIfNotFinite();
        }
        catch (NonFiniteTrainingException error) when (error.Phase is null)
        {
            throw error.At(phase.Name, context.Epoch, context.Epochs, step, phase.Steps);
        }
        context.ReleaseFreedMemory();
        return result;
    }

    /// <summary>Mean loss and metric of the model over <paramref name="data"/> (evaluation mode, no gradients).</summary>
    public EvaluationResult Evaluate(TensorDataset data) => context.Evaluate(data);

    /// <summary>Disposes the strategy, the optimizer, the streams and the data copies this trainer made.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        Strategy.Dispose();
        context.WeightOptimizer.Dispose();
        foreach (var stream in context.Streams.Values)
        {
            stream.Dispose();
        }
        foreach (var data in owned)
        {
            data.Dispose();
        }
    }

    private void RunEpoch(int epoch)
    {
        var clock = Stopwatch.StartNew();
        context.Epoch = epoch;
        context.WeightOptimizer.LearningRate = LearningRateAt(epoch);
        if (Device.type == DeviceType.CUDA)
        {
            // A checkpoint saves the CPU generator's state only: TorchSharp 0.107 can neither read nor set a GPU
            // generator's. Reseeding the GPU's from the seed and the epoch makes a resumed run draw on the GPU
            // (drop-path, dropout) what an uninterrupted one draws. The CPU has nothing to do: its state is restored.
            cuda.manual_seed_all(unchecked(Environment.Seed * 1_000_003L + epoch));
        }
        Model.train();
        Strategy.OnEpochStart(epoch);
        var means = new EpochMeans();
        var phases = Strategy.PlanEpoch(epoch);
        int stepsInEpoch = phases.Sum(p => p.Steps), stepOfEpoch = 0;
        bool cutShort = false;
        foreach (var phase in phases)
        {
            // Every phase starts in training mode; a phase that wants otherwise (ENAS's controller) switches in its steps.
            Model.train();
            for (int step = 0; step < phase.Steps && !cutShort; step++)
            {
                Environment.CancellationToken.ThrowIfCancellationRequested();
                if (Budget is not null && !Budget.StepFits(phase.Name))
                {
                    cutShort = true;
                    Environment.Log?.Invoke($"Time budget: epoch {epoch + 1} ends after {stepOfEpoch} of {stepsInEpoch} steps; the next would not end within {Budget.Length}.");
                    break;
                }
                Environment.Threading.BeforeStep();
                context.WeightOptimizer.LearningRate = LearningRateAt(epoch, stepOfEpoch++, stepsInEpoch);
                long started = Stopwatch.GetTimestamp();
                var result = RunStep(phase, step);
                if (Budget is not null)
                {
                    Budget.StepTook(phase.Name, Stopwatch.GetElapsedTime(started));
                    context.Epochs = Budget.GuessDuringFirstEpoch(stepOfEpoch, stepsInEpoch, clock.Elapsed);
                }
                means.Add(result);
                if (Options.LogFrequency > 0 && ((step + 1) % Options.LogFrequency == 0 || step + 1 == phase.Steps))
                {
                    Environment.Log?.Invoke($"Epoch [{epoch + 1}/{context.Epochs}] {phase.Name} step [{step + 1}/{phase.Steps}] {means.Describe()}");
                }
                Environment.Progress?.Report(new OneShotProgress(epoch, context.Epochs, phase.Name, step + 1, phase.Steps, means.Loss, means.Metric)
                {
                    TimeLeft = Budget?.Left,
                });
            }
        }
        if (Budget is not null)
        {
            int planned = Budget.PlanAfterSteps(epoch, clock.Elapsed);
            if (planned != context.Epochs)
            {
                Environment.Log?.Invoke($"Time budget: {planned} epochs fit in {Budget.Length} ({Budget.Left.TotalSeconds:F0} s left after epoch {epoch + 1}'s steps).");
                context.Epochs = planned;
            }
        }
        var validationClock = Stopwatch.StartNew();
        var validation = Strategy.Validate(epoch);
        Budget?.EpochTook(clock.Elapsed, validationClock.Elapsed);
        if (validation is not null && !double.IsFinite(validation.Loss))
        {
            throw new NonFiniteTrainingException("validation loss", validation.Loss).At("validation", epoch, context.Epochs, null, null);
        }
        var record = new EpochRecord
        {
            Epoch = epoch,
            LearningRate = context.LearningRate,
            TrainLoss = means.Loss,
            TrainMetric = means.Metric,
            ValidLoss = validation?.Loss,
            ValidMetric = validation?.Metric,
            Values = means.Values(),
            ArchitectureWeights = Strategy.ArchitectureWeights(),
            Elapsed = clock.Elapsed,
            PlannedEpochs = Budget is null ? null : context.Epochs,
            TimeLeft = Budget?.Left,
            CutShortByTimeBudget = cutShort,
        };
        history.Add(record);
        if (checkpointDirectory is { } directory)
        {
            SaveCheckpoint(directory);
        }
        Environment.Log?.Invoke($"Epoch [{epoch + 1}/{context.Epochs}] done in {record.Elapsed.TotalSeconds:F1} s: {means.Describe()}" +
            (validation is null ? "" : $" valid loss {validation.Loss:F4} metric {validation.Metric:F4}"));
        Environment.Progress?.Report(new OneShotProgress(epoch, context.Epochs, "epoch", 1, 1, means.Loss, means.Metric, record) { TimeLeft = Budget?.Left });
    }

    /// <summary>
    /// The options' bounds on the export, checked before training: the parameter count at once, before anything is placed;
    /// the latency after the model (and the budget's own supernet) is on the device, where its table is measured or read.
    /// </summary>
    private ArchitectureBudget? ArchitectureBudgetOf(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor>? budgetModel, TensorDataset trainData, string optionPath)
    {
        var counted = budgetModel ?? model;
        var limits = new List<ArchitectureBudget.Limit>();
        var counter = Options.MaxParameters is null ? null : new ParameterCounter(counted);
        if (Options.MaxParameters is { } maxParameters)
        {
            limits.Add(ArchitectureBudget.ParameterLimit(maxParameters, counter!, optionPath));
        }
        model.to(Device);
        LatencyTable? table = null;
        if (Options.MaxLatency is { } maxLatency)
        {
            counted.to(Device);
            latencyModel = counted;
            table = LatencyTable.Measure(counted, trainData.Features.shape[1..], Device, Environment.Threads,
                [1, Options.LatencyBatchSize], Options.LatencyCacheDirectory, Environment.Log);
            limits.Add(ArchitectureBudget.LatencyLimit(maxLatency, table, Options.LatencyBatchSize, optionPath));
        }
        return limits.Count == 0 ? null : ArchitectureBudget.Of(limits, ModelSearchSpace.Of(counted), counter, table, Options.LatencyBatchSize);
    }

    private Architecture WithLatency(Architecture architecture)
    {
        if (context.ArchitectureBudget is { Latency: { } table } budget)
        {
            int batch = budget.LatencyBatchSize;
            // A final training's fixed network has no choices left: its latency is the table's fixed part.
            bool fixedNetwork = budget.Space.DecisionCount == 0;
            var predicted = fixedNetwork ? table.Smallest(batch) : table.Predict(architecture, batch);
            var measured = fixedNetwork ? LatencyTable.MeasureForward(latencyModel!, table.SampleShape, batch, Device, table.Threads)
                : LatencyTable.MeasureArchitecture(latencyModel!, architecture, table.SampleShape, batch, Device, table.Threads);
            ExportedLatency = new ArchitectureLatency(batch, predicted, measured);
            Environment.Log?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Export: latency predicted {predicted.TotalMilliseconds:0.000} ms, measured {measured.TotalMilliseconds:0.000} ms at batch {batch} on {Device} ({table.Threads} threads); budget {Options.MaxLatency!.Value.TotalMilliseconds:0.000} ms."));
        }
        return architecture;
    }

    private static TimeBudget? OwnBudget(OneShotTrainerOptions options) =>
        options.TimeBudget is { } length ? new TimeBudget(length, options.Epochs) : null;

    private static OneShotTrainerOptions Checked(OneShotTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.TrainData is null)
        {
            throw new ArgumentException($"{nameof(options.TrainData)} is required.", nameof(options.TrainData));
        }
        return options;
    }

    private (TensorDataset Train, TensorDataset? Valid) PlaceData(TensorDataset trainData, TensorDataset? validData)
    {
        var train = OnDevice(trainData);
        var valid = validData is null ? null : OnDevice(validData);
        if (valid is null && Options.ValidationFraction > 0)
        {
            var (rest, heldOut) = train.SplitStratified(1 - Options.ValidationFraction, Environment.Seed);
            owned.Add(rest);
            owned.Add(heldOut);
            return (rest, heldOut);
        }
        return (train, valid);
    }

    private TensorDataset OnDevice(TensorDataset data)
    {
        if (data.Device.type == Device.type && data.Device.index == Device.index)
        {
            return data;
        }
        var copy = new TensorDataset(data.Features, data.Labels, Device, data.ClassCount);
        owned.Add(copy);
        return copy;
    }
}
