using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies.Optimizers;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// Settings of the shared one-shot loop, NNI's DARTS search settings (NNI v1.9 `darts/` and the DARTS paper, arXiv 1806.09055) except the epochs (10, not 50); an
/// algorithm's options class derives from this one and sets its own defaults. Through ML.NET the same object is the
/// estimator's <c>Search</c> or <c>Final</c> options: there Fit supplies the data, device, threads, seed, log, progress
/// and cancellation, and refuses values set here for them.
/// </summary>
public class OneShotTrainerOptions
{
    /// <summary>Training data (required by a trainer; set by Fit through ML.NET). Moved to the device when it lives elsewhere.</summary>
    public TensorDataset? TrainData { get; set; }

    /// <summary>
    /// Data evaluated after each epoch; null for none (unless <see cref="ValidationFraction"/> holds some back). ENAS
    /// also exports the best of its sampled architectures as scored on it, so it chooses the architecture: keep the test
    /// data out of it. Set by Fit through ML.NET (from <c>ValidationData</c>).
    /// </summary>
    public TensorDataset? ValidData { get; set; }

    /// <summary>
    /// When <see cref="ValidData"/> is null and this is above 0, that fraction of <see cref="TrainData"/> (a seeded split,
    /// stratified so that every class keeps its share: <see cref="TensorDataset.SplitStratified"/>) becomes the
    /// validation data and the rest the training data; default 0.
    /// </summary>
    public double ValidationFraction { get; set; }

    /// <summary>Number of epochs; default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>
    /// The time the training may take; null (default) runs <see cref="Epochs"/> epochs. When set, the loop times the
    /// first epoch, plans the epochs that fit (at most <see cref="Epochs"/>; fewer when the run falls behind) and sizes
    /// the cosine schedule (and drop-path's ramp, the weight average's end) to them, and ends an epoch early when its next
    /// step would not end in time; 3 % of the budget and the longest validation are kept for what follows the last step.
    /// The history records the plan, the time left and a cut-short epoch. A resumed training gets the budget afresh.
    /// Through ML.NET, <c>NasOptions.TimeBudget</c> budgets the whole Fit instead.
    /// </summary>
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>Samples per batch; default 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Initial learning rate of the weights; default 0.025.</summary>
    public double LearningRate { get; set; } = 0.025;

    /// <summary>Final learning rate of the cosine schedule; default 0.001.</summary>
    public double MinLearningRate { get; set; } = 0.001;

    /// <summary>
    /// Epochs of linear learning-rate warm-up; 0 (default) for none. Above 0, the rate is set before every step: it
    /// rises linearly from <see cref="LearningRate"/>/(warm-up steps) to <see cref="LearningRate"/> over this many
    /// epochs (fractions allowed), then falls along a cosine to <see cref="MinLearningRate"/> at the end, step by step,
    /// so short runs get a smooth schedule too. At 0 the cosine is stepped once per epoch, as before. Less than <see cref="Epochs"/>.
    /// </summary>
    public double WarmupEpochs { get; set; }

    /// <summary>
    /// The optimizer of the weights; default <see cref="WeightOptimizerKind.Sgd"/> (momentum). With
    /// <see cref="WeightOptimizerKind.AdamW"/> the weight decay is decoupled and <see cref="Momentum"/> does not apply.
    /// </summary>
    public WeightOptimizerKind WeightOptimizer { get; set; }

    /// <summary>Momentum of the weights' SGD; default 0.9.</summary>
    public double Momentum { get; set; } = 0.9;

    /// <summary>Weight decay of the weights (L2 for SGD, decoupled for AdamW); default 3e-4.</summary>
    public double WeightDecay { get; set; } = 3e-4;

    /// <summary>
    /// Label smoothing ε of the default cross-entropy training loss, in [0, 1): the target puts 1 − ε on the label and
    /// ε spread evenly over all classes; 0 (default) for none. Evaluation still reports the plain cross-entropy, so
    /// validation losses compare across settings. Only for the default loss (leave it 0 when setting <see cref="Loss"/>).
    /// </summary>
    public double LabelSmoothing { get; set; }

    /// <summary>Gradient norm clip of the weights; 0 or less for none; default 5.</summary>
    public double GradientClip { get; set; } = 5.0;

    /// <summary>
    /// Seed of shuffles, splits and torch's generator; null (default) means 0. Through ML.NET, Fit sets it from
    /// <c>NasOptions.Seed</c> or the MLContext's seed.
    /// </summary>
    public long? Seed { get; set; }

    /// <summary>
    /// Device: null or "auto" (CUDA when available), "cpu" or "cuda[:N]"; default null. Through ML.NET, Fit sets it from
    /// <c>NasOptions.Device</c> and <c>MLContext.GpuDeviceId</c>.
    /// </summary>
    public string? Device { get; set; }

    /// <summary>
    /// libtorch intra-op threads; null (default) for <see cref="Runtime.TorchRuntime.DefaultThreadCount"/>, lowered on the
    /// CPU while other processes keep processors busy and raised again when they stop (a pinned count never changes, and
    /// keeps a seeded run bit-identical on a busy machine). Through ML.NET, Fit sets it from <c>NasOptions.Threads</c>.
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>
    /// Whether native memory is looked after between training passes; default true. After each pass the TorchSharp
    /// objects the pass dropped without disposing are freed at once (<see cref="Runtime.DroppedTorchObjects"/>), so
    /// they cannot fragment the C heap, and on the CPU under glibc freed memory goes back to the operating system when
    /// resident memory has outgrown what a pass needs by more than <see cref="FreedMemorySlack"/>
    /// (<see cref="Runtime.NativeMemoryGuard"/>). It keeps the peak near what a step really holds and resident memory
    /// flat, at some cost in time (page faults after a release); set false to trade memory for speed.
    /// </summary>
    public bool ReleaseFreedMemory { get; set; } = true;

    /// <summary>
    /// With <see cref="ReleaseFreedMemory"/>, the growth of resident memory beyond a clean pass's footprint that is
    /// tolerated before freed memory is released, as a fraction; default 0.1. 0 releases after every pass (lowest
    /// peak, slowest).
    /// </summary>
    public double FreedMemorySlack { get; set; } = Runtime.NativeMemoryGuard.DefaultSlack;

    /// <summary>A log line every this many steps of a phase; 0 for none; default 10.</summary>
    public int LogFrequency { get; set; } = 10;

    /// <summary>
    /// The most parameters the exported architecture may have (counted on the network it makes:
    /// <see cref="Architectures.ParameterCounter"/>); null (default) for no budget. Every strategy honours it when it
    /// exports: ENAS and Random take the best sampled architecture that fits, SPOS rejects candidates that do not fit
    /// before scoring them, DARTS keeps its argmax where it fits and otherwise takes, decision by decision in the
    /// space's order, the strongest candidate that leaves room for the smallest choice of every later decision. For a
    /// final training it bounds the fixed network. A budget below the smallest architecture of the space is refused
    /// before training, with that smallest count in the message.
    /// </summary>
    public long? MaxParameters { get; set; }

    /// <summary>
    /// The longest forward the exported architecture's network may take for one batch of
    /// <see cref="LatencyBatchSize"/> inputs on the training device with the training's thread count, as predicted by
    /// the supernet's <see cref="Architectures.LatencyTable"/> (fixed part plus the chosen candidates, measured before
    /// the training and cached in <see cref="LatencyCacheDirectory"/>); null (default) for no budget. Honoured where
    /// <see cref="MaxParameters"/> is, and together with it: ENAS and Random score only draws predicted to fit, SPOS
    /// rejects candidates that do not, DARTS, GDAS, PC-DARTS and ProxylessNAS decide in order within it, and
    /// ProxylessNAS also optimises its expected latency towards it (<c>ProxylessTrainerOptions.LatencyLoss</c>). A budget below the
    /// space's fastest network is refused before training with that latency in the message. The predicted and the
    /// measured latency of the export are logged and kept in <see cref="OneShotTrainer.ExportedLatency"/>.
    /// </summary>
    public TimeSpan? MaxLatency { get; set; }

    /// <summary>
    /// The batch size <see cref="MaxLatency"/> applies to; default 1 (one request at a time). The trainer's latency
    /// table is measured at 1 and at this size (a cached table gains the sizes it lacks); ML.NET scores in batches of
    /// 256 (<see cref="Architectures.LatencyTable.ScoringBatchSize"/>).
    /// </summary>
    public int LatencyBatchSize { get; set; } = 1;

    /// <summary>
    /// Where latency tables are cached (one JSON file per device, thread count, host, space and input shape); null
    /// (default) for <see cref="Architectures.LatencyTable.DefaultCacheDirectory"/>.
    /// </summary>
    public string? LatencyCacheDirectory { get; set; }

    /// <summary>When set, a checkpoint is written to this folder after every epoch; default null.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Loss of (logits, labels); null (default) for cross-entropy.</summary>
    public Func<Tensor, Tensor, Tensor>? Loss { get; set; }

    /// <summary>Metric of (logits, labels), higher is better; null (default) for <see cref="Metrics.Accuracy"/>.</summary>
    public Func<Tensor, Tensor, double>? Metric { get; set; }

    /// <summary>Receives log lines; null (default) for none. Through ML.NET, Fit logs to <c>MLContext.Log</c>.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>
    /// Receives a report after each step and at the end of each epoch; null (default) for none. Through ML.NET, use
    /// <c>NasOptions.Progress</c>.
    /// </summary>
    public IProgress<OneShotProgress>? Progress { get; set; }

    /// <summary>
    /// Checked before every step: the loop throws <see cref="OperationCanceledException"/> when it is cancelled. Through
    /// ML.NET, use <c>NasOptions.CancellationToken</c>.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Checks every setting and names the first that is wrong (the data is checked by the trainer).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is the property.</exception>
    public void Validate() => Validate(string.Empty);

    /// <summary>
    /// Checks every setting; names in messages start with <paramref name="path"/> (e.g. <c>Search.</c> for the options
    /// an ML.NET estimator composes).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is its path.</exception>
    public virtual void Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        OptionCheck.Positive(Epochs, path + nameof(Epochs));
        OptionCheck.Positive(BatchSize, path + nameof(BatchSize));
        OptionCheck.Require(TimeBudget is null || TimeBudget > TimeSpan.Zero, path + nameof(TimeBudget), TimeBudget, "positive, or null for no budget");
        OptionCheck.NonNegative(LearningRate, path + nameof(LearningRate));
        OptionCheck.NonNegative(MinLearningRate, path + nameof(MinLearningRate));
        OptionCheck.Require(WarmupEpochs >= 0 && WarmupEpochs < Epochs, path + nameof(WarmupEpochs), WarmupEpochs,
            $"at least 0 and less than {nameof(Epochs)} ({Epochs})");
        OptionCheck.Require(Enum.IsDefined(WeightOptimizer), path + nameof(WeightOptimizer), WeightOptimizer, "Sgd, SgdNesterov or AdamW");
        OptionCheck.Fraction(LabelSmoothing, path + nameof(LabelSmoothing));
        OptionCheck.Require(LabelSmoothing == 0 || Loss is null, path + nameof(LabelSmoothing), LabelSmoothing,
            $"0 when {nameof(Loss)} is set (it smooths the default cross-entropy only)");
        OptionCheck.NonNegative(Momentum, path + nameof(Momentum));
        OptionCheck.Require(Momentum > 0 || WeightOptimizer != WeightOptimizerKind.SgdNesterov, path + nameof(Momentum), Momentum,
            "above 0 with Nesterov momentum");
        OptionCheck.NonNegative(WeightDecay, path + nameof(WeightDecay));
        OptionCheck.Require(!double.IsNaN(GradientClip), path + nameof(GradientClip), GradientClip, "a number (0 or less for no clip)");
        OptionCheck.Fraction(ValidationFraction, path + nameof(ValidationFraction));
        OptionCheck.NonNegative(FreedMemorySlack, path + nameof(FreedMemorySlack));
        OptionCheck.Require(LogFrequency >= 0, path + nameof(LogFrequency), LogFrequency, "0 (no logs) or positive");
        OptionCheck.Require(Threads is null or > 0, path + nameof(Threads), Threads, "positive, or null for the default");
        OptionCheck.Require(MaxParameters is null or > 0, path + nameof(MaxParameters), MaxParameters, "positive, or null for no budget");
        OptionCheck.Require(MaxLatency is null || MaxLatency > TimeSpan.Zero, path + nameof(MaxLatency), MaxLatency, "positive, or null for no budget");
        OptionCheck.Positive(LatencyBatchSize, path + nameof(LatencyBatchSize));
        OptionCheck.Require(LatencyCacheDirectory is null || !string.IsNullOrWhiteSpace(LatencyCacheDirectory), path + nameof(LatencyCacheDirectory),
            LatencyCacheDirectory, "a folder, or null for the default");
    }
}
