using Microsoft.ML.Nas.MLNet.Fitting;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Strategies;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// What every NAS estimator shares: columns, the space, the data's shape, the final training and the environment
/// (device, threads, seed, progress, cancellation) that Fit resolves once for the search and the final training.
/// </summary>
public abstract class NasOptions
{
    /// <summary>The input column: a known-size vector of Single; default <c>Features</c>.</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The label column: a key type with at least 2 values (use MapValueToKey first); default <c>Label</c>.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The output column of class probabilities; default <c>Score</c>.</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>The output column of the predicted class (a key with the label's values); default <c>PredictedLabel</c>.</summary>
    public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>
    /// The search space (e.g. <see cref="SearchSpaces.Mlp"/>, or a custom kind registered with
    /// <see cref="SearchSpaceRegistry.Register(string, SearchSpaceFactory)"/>); null (default) picks the strategy's image space for images and the
    /// MLP space for plain vectors.
    /// </summary>
    public SearchSpaceSpec? SearchSpace { get; set; }

    /// <summary>
    /// The image shape [C, H, W] of each features vector, when the vector's own dimensions do not say it (a 784-vector
    /// of MNIST pixels is (1, 28, 28)). Null (default): the vector's dimensions give it, and a plain 1-D vector is not an image.
    /// </summary>
    public (int Channels, int Height, int Width)? ImageShape { get; set; }

    /// <summary>
    /// Optional validation data (same columns). ENAS scores its sampled architectures on it and exports the best (without
    /// it, on a stratified 10% of the training data held out as reward data), so it chooses the architecture: never pass
    /// the test data whose accuracy you will report. Random and SPOS likewise score their architectures on it (without it,
    /// on a stratified 10% held out of the supernet's training). DARTS and ProxylessNAS only report on it (their
    /// architecture weights, learned on a held-out share of the training data, choose). The final training reports its
    /// accuracy on it each epoch.
    /// </summary>
    public IDataView? ValidationData { get; set; }

    /// <summary>
    /// The final training of the found architecture, from scratch (defaults: 10 epochs of batch 64, SGD 0.025 with
    /// weight decay 3e-4 cosine to 0; see <see cref="FixedArchitectureTrainerOptions"/>). Fit supplies its data,
    /// device, threads, seed, log, progress and cancellation, and refuses values set there for them.
    /// </summary>
    public FixedArchitectureTrainerOptions Final { get; set; } = new();

    /// <summary>
    /// How many times wider (channels, filters, hidden units) the final network is than the searched one, at least 1.
    /// The field's practice is to search a small supernet and train the found architecture larger: the final network
    /// is built from <see cref="SearchSpaceSpec.Scaled"/>, trained from scratch, and the model records that spec.
    /// Null (default): 1 without a <see cref="TimeBudget"/>; with one, Fit chooses the width after the search, the
    /// widest of ×1, ×1.5, ×2, ×3 and ×4 whose timed training steps still fit <see cref="FinalMinimumEpochs"/> epochs
    /// in the time left and keeps the search's <c>MaxParameters</c> and <c>MaxLatency</c> (×1 when a custom space has
    /// no scaler). The log and the saved spec say which width was chosen.
    /// </summary>
    public double? FinalWidthMultiplier { get; set; }

    /// <summary>
    /// When Fit chooses the final width (a <see cref="TimeBudget"/> and no <see cref="FinalWidthMultiplier"/>): the
    /// epochs the chosen width must still fit in the time left; default 20. Fewer buys a wider network trained
    /// shorter; the final training keeps its own plan of epochs, sized to the time, whatever this says.
    /// </summary>
    public int FinalMinimumEpochs { get; set; } = 20;

    /// <summary>
    /// How many times more cells the final network has than the searched one, where its cells share their decisions
    /// (darts-cells, enas-micro); default 1. enas-macro and mlp have a decision per layer and refuse more than 1.
    /// </summary>
    public int FinalDepthMultiplier { get; set; } = 1;

    /// <summary>
    /// The time the whole Fit may take; null (default) runs the epochs that <c>Search</c> and <see cref="Final"/> set.
    /// When set, the epoch counts no longer decide: Fit gives the search <see cref="SearchTimeFraction"/> of the budget
    /// (what is left after reading the data) and the final training the rest, and each phase times its first epoch,
    /// plans the epochs that fit, sizes its cosine schedule to them and ends on time with its result so far (the search
    /// exports its current architecture; the final network keeps its weights, or their average). Progress reports the
    /// time left (<see cref="NasProgress.TimeLeft"/>) and the history records each phase's plan. Scaling the final network
    /// (<see cref="FinalWidthMultiplier"/>) then buys width at the price of epochs; left unset, Fit sizes the width to the
    /// found network and the time left.
    /// </summary>
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>
    /// The share of <see cref="TimeBudget"/> the search gets, in (0, 1); default 0.4. The rest trains the found network:
    /// the field's practice spends more on training the found network than on finding it, and in a short budget the final
    /// training's epochs decide most of the accuracy.
    /// </summary>
    public double SearchTimeFraction { get; set; } = 0.4;

    /// <summary>
    /// <c>auto</c> (default): the GPU that <c>MLContext.GpuDeviceId</c> names, else CUDA when available, else the CPU;
    /// or <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.
    /// </summary>
    public string Device { get; set; } = Runtime.DeviceSelection.Auto;

    /// <summary>
    /// libtorch's thread count. Null (default): the usable processors, at most 8, lowered on the CPU while other processes
    /// keep processors busy (read every second on Linux) and raised again when they stop. A number pins the count, which
    /// also keeps a seeded Fit bit-identical on a machine whose load varies.
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>The seed of weights, shuffles and sampling; null (default) takes the MLContext's seed (or 0).</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Stops Fit between batches (with <see cref="OperationCanceledException"/>), as ML.NET's own cancellation
    /// (<c>MLContext</c>'s execution flag) does.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Optional progress reports for applications (epochs and batches of each phase).</summary>
    public IProgress<NasProgress>? Progress { get; set; }

    /// <summary>
    /// Checks every option and names the first that is wrong by its path (<c>Final.Epochs</c>, <c>Search.ChildSteps</c>).
    /// The estimator calls it when it is made and again when Fit starts.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is its path.</exception>
    /// <exception cref="ArgumentException">
    /// A column name is empty, Score and PredictedLabel coincide, composed options are missing, or they set what Fit supplies.
    /// </exception>
    public virtual void Validate()
    {
        CheckColumn(FeatureColumnName, nameof(FeatureColumnName));
        CheckColumn(LabelColumnName, nameof(LabelColumnName));
        CheckColumn(ScoreColumnName, nameof(ScoreColumnName));
        CheckColumn(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
        if (ScoreColumnName == PredictedLabelColumnName)
        {
            throw new ArgumentException(
                $"{nameof(ScoreColumnName)} and {nameof(PredictedLabelColumnName)} are both '{ScoreColumnName}'; they must differ.", nameof(PredictedLabelColumnName));
        }
        OptionCheck.Require(ImageShape is null or { Channels: > 0, Height: > 0, Width: > 0 }, nameof(ImageShape), ImageShape,
            "positive channels, height and width, or null");
        OptionCheck.Require(Threads is null or > 0, nameof(Threads), Threads, "positive, or null for the default");
        ArgumentException.ThrowIfNullOrWhiteSpace(Device, nameof(Device));
        OptionCheck.Require(FinalWidthMultiplier is null || (FinalWidthMultiplier >= 1 && double.IsFinite(FinalWidthMultiplier.Value)),
            nameof(FinalWidthMultiplier), FinalWidthMultiplier, "a finite number of at least 1, or null to choose it under a time budget");
        OptionCheck.Require(FinalMinimumEpochs >= 1, nameof(FinalMinimumEpochs), FinalMinimumEpochs, "at least 1");
        OptionCheck.Require(FinalDepthMultiplier >= 1, nameof(FinalDepthMultiplier), FinalDepthMultiplier, "at least 1");
        OptionCheck.Require(TimeBudget is null || TimeBudget > TimeSpan.Zero, nameof(TimeBudget), TimeBudget, "positive, or null to run the epoch counts");
        OptionCheck.Require(SearchTimeFraction > 0 && SearchTimeFraction < 1, nameof(SearchTimeFraction), SearchTimeFraction, "above 0 and below 1");
        ValidateTrainer(Final, nameof(Final));
    }

    /// <summary>The search's options, whose parameter and latency budgets bound the network Fit serves; null without a search.</summary>
    internal virtual OneShotTrainerOptions? SearchOptions => null;

    /// <summary>Whether Fit chooses the final width: a time budget and no width set.</summary>
    internal bool ChoosesFinalWidth => TimeBudget is not null && FinalWidthMultiplier is null;

    /// <summary>Checks composed trainer options under <paramref name="name"/>: present, in range, and leaving Fit's values alone.</summary>
    private protected void ValidateTrainer(OneShotTrainerOptions? trainer, string name)
    {
        string path = name + ".";
        OptionCheck.Present(trainer, name).Validate(path);
        FitOwnedSettings.Check(trainer!, path);
        if (TimeBudget is not null && trainer!.TimeBudget is not null)
        {
            throw new ArgumentException($"{path}{nameof(OneShotTrainerOptions.TimeBudget)} and {nameof(TimeBudget)} are both set: " +
                $"{nameof(TimeBudget)} divides the Fit's time between the phases ({nameof(SearchTimeFraction)}); leave the phase's own unset.",
                path + nameof(OneShotTrainerOptions.TimeBudget));
        }
    }

    private static void CheckColumn(string name, string option)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"{option} must name a column.", option);
        }
    }
}
