using Microsoft.ML.Nas.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// Settings of the shared one-shot loop. Defaults are NNI's DARTS search settings (REFERENCE §4); an algorithm's
/// options class derives from this one and sets its own defaults.
/// </summary>
public class OneShotTrainerOptions
{
    /// <summary>Training data (required). Moved to <see cref="Device"/> when it lives elsewhere.</summary>
    public TensorDataset? TrainData { get; set; }

    /// <summary>
    /// Data evaluated after each epoch; null for none (unless <see cref="ValidationFraction"/> holds some back). ENAS
    /// also exports the best of its sampled architectures as scored on it, so it chooses the architecture: keep the test
    /// data out of it.
    /// </summary>
    public TensorDataset? ValidData { get; set; }

    /// <summary>
    /// When <see cref="ValidData"/> is null and this is above 0, that fraction of <see cref="TrainData"/> (a seeded split,
    /// stratified so that every class keeps its share: <see cref="TensorDataset.SplitStratified"/>) becomes the
    /// validation data and the rest the training data.
    /// </summary>
    public double ValidationFraction { get; set; }

    /// <summary>Number of epochs.</summary>
    public int Epochs { get; set; } = 50;

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Initial learning rate of the weights (SGD).</summary>
    public double LearningRate { get; set; } = 0.025;

    /// <summary>Final learning rate of the cosine schedule.</summary>
    public double MinLearningRate { get; set; } = 0.001;

    /// <summary>Momentum of the weights' SGD.</summary>
    public double Momentum { get; set; } = 0.9;

    /// <summary>L2 weight decay of the weights' SGD.</summary>
    public double WeightDecay { get; set; } = 3e-4;

    /// <summary>Gradient norm clip of the weights; 0 or less for none.</summary>
    public double GradientClip { get; set; } = 5.0;

    /// <summary>Seed of shuffles, splits and torch's generator.</summary>
    public long Seed { get; set; }

    /// <summary>Device: "auto" (CUDA when available), "cpu" or "cuda[:N]".</summary>
    public string Device { get; set; } = Runtime.DeviceSelection.Auto;

    /// <summary>libtorch intra-op threads; null for <see cref="Runtime.TorchRuntime.DefaultThreadCount"/>.</summary>
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

    /// <summary>A log line every this many steps of a phase; 0 for none.</summary>
    public int LogFrequency { get; set; } = 10;

    /// <summary>When set, a checkpoint is written to this folder after every epoch.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Loss of (logits, labels); null for cross-entropy.</summary>
    public Func<Tensor, Tensor, Tensor>? Loss { get; set; }

    /// <summary>Metric of (logits, labels), higher is better; null for <see cref="Metrics.Accuracy"/>.</summary>
    public Func<Tensor, Tensor, double>? Metric { get; set; }

    /// <summary>Receives log lines; null for none.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Receives a report after each step and at the end of each epoch; null for none.</summary>
    public IProgress<OneShotProgress>? Progress { get; set; }

    /// <summary>Checked between steps: the loop throws <see cref="OperationCanceledException"/> when it is cancelled.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Checks the settings, naming the first that is wrong.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public virtual void Validate()
    {
        if (TrainData is null)
        {
            throw new ArgumentException($"{nameof(TrainData)} is required.", nameof(TrainData));
        }
        Positive(Epochs, nameof(Epochs));
        Positive(BatchSize, nameof(BatchSize));
        if (!(LearningRate >= 0) || !(MinLearningRate >= 0) || !(Momentum >= 0) || !(WeightDecay >= 0))
        {
            throw new ArgumentException(
                $"{nameof(LearningRate)}, {nameof(MinLearningRate)}, {nameof(Momentum)} and {nameof(WeightDecay)} must be non-negative numbers.");
        }
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            throw new ArgumentException($"{nameof(ValidationFraction)} must lie in [0, 1); got {ValidationFraction}.", nameof(ValidationFraction));
        }
        if (!(FreedMemorySlack >= 0))
        {
            throw new ArgumentException($"{nameof(FreedMemorySlack)} must be a non-negative fraction (0.1 = 10%); got {FreedMemorySlack}.", nameof(FreedMemorySlack));
        }
        if (LogFrequency < 0)
        {
            throw new ArgumentException($"{nameof(LogFrequency)} must be 0 (no logs) or positive; got {LogFrequency}.", nameof(LogFrequency));
        }
    }

    /// <summary>Throws when <paramref name="value"/> is not positive.</summary>
    protected static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{name} must be positive; got {value}.", name);
        }
    }
}
