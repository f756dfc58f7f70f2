using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>What every NAS estimator shares: columns, the space, the data's shape, the final training and the device.</summary>
public abstract class NasOptions
{
    /// <summary>The input column: a known-size vector of Single.</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The label column: a key type with at least 2 values (use MapValueToKey first).</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The output column of class probabilities.</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>The output column of the predicted class (a key with the label's values).</summary>
    public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>
    /// The search space (e.g. <see cref="SearchSpaces.Mlp"/>, or a custom kind registered with
    /// <see cref="SearchSpaceRegistry.Register"/>); null picks the strategy's image space for images and the MLP space
    /// for plain vectors.
    /// </summary>
    public SearchSpaceSpec? SearchSpace { get; set; }

    /// <summary>
    /// The image shape [C, H, W] of each features vector, when the vector's own dimensions do not say it (a 784-vector
    /// of MNIST pixels is (1, 28, 28)). Null: the vector's dimensions give it, and a plain 1-D vector is not an image.
    /// </summary>
    public (int Channels, int Height, int Width)? ImageShape { get; set; }

    /// <summary>
    /// Optional validation data (same columns). ENAS scores its sampled architectures on it and exports the best (without
    /// it, on a stratified 10% of the training data held out as reward data), so it chooses the architecture: never pass
    /// the test data whose accuracy you will report. DARTS only reports on it (its alphas, learned on a stratified half
    /// of the training data, choose). The final training reports its accuracy on it each epoch.
    /// </summary>
    public IDataView? ValidationData { get; set; }

    /// <summary>Epochs of the final training of the found architecture, from scratch.</summary>
    public int FinalEpochs { get; set; } = 10;

    /// <summary>Batch size of the final training.</summary>
    public int FinalBatchSize { get; set; } = 64;

    /// <summary>Initial SGD learning rate of the final training (cosine-annealed).</summary>
    public double FinalLearningRate { get; set; } = 0.025;

    /// <summary>SGD weight decay of the final training.</summary>
    public double FinalWeightDecay { get; set; } = 3e-4;

    /// <summary>Side of the cutout square applied to image batches in the final training; 0 (default) turns it off.</summary>
    public int FinalCutout { get; set; }

    /// <summary>Largest random translation (pixels per axis) of image batches in the final training; 0 (default) turns it off.</summary>
    public int FinalShift { get; set; }

    /// <summary>Final drop-path probability of the final training (for spaces with drop-path); 0 (default) turns it off.</summary>
    public double FinalDropPath { get; set; }

    /// <summary>
    /// <c>auto</c> (default): the GPU that <c>MLContext.GpuDeviceId</c> names, else CUDA when available, else the CPU;
    /// or <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.
    /// </summary>
    public string Device { get; set; } = Runtime.DeviceSelection.Auto;

    /// <summary>libtorch's thread count; null keeps the library's measured default.</summary>
    public int? Threads { get; set; }

    /// <summary>
    /// Whether search and final training look after native memory between passes: they free what TorchSharp objects
    /// dropped without disposing still hold, and hand freed CPU memory back to the system once resident memory has
    /// grown by 10% (see <see cref="Strategies.OneShotTrainerOptions.ReleaseFreedMemory"/>); default true. False is
    /// faster and uses more memory.
    /// </summary>
    public bool ReleaseFreedMemory { get; set; } = true;

    /// <summary>The seed of weights, shuffles and sampling; null takes the MLContext's seed (or 0).</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Stops Fit between batches (with <see cref="OperationCanceledException"/>), as ML.NET's own cancellation
    /// (<c>MLContext</c>'s execution flag) does.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Optional progress reports for applications (epochs and batches of each phase).</summary>
    public IProgress<NasProgress>? Progress { get; set; }
}
