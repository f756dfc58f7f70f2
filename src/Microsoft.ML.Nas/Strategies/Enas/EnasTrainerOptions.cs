using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// Settings of an ENAS search, with NNI's defaults (REFERENCE §3): per epoch 500 child steps (a fresh architecture per
/// step; SGD 0.05, momentum 0.9, weight decay 1e-4, cosine to 0.001, clip 5; auxiliary loss weight 0.4), then 50
/// controller steps of 20 aggregated batches each (Adam 3.5e-4, clip 5) on a stratified 10% of the training data.
/// </summary>
public sealed class EnasTrainerOptions : OneShotTrainerOptions
{
    /// <summary>Creates the options with NNI's ENAS defaults.</summary>
    public EnasTrainerOptions()
    {
        Epochs = 150;
        LearningRate = 0.05;
        MinLearningRate = 0.001;
        WeightDecay = 1e-4;
    }

    /// <summary>
    /// The controller's own hyperparameters (LSTM size, tanh constant, skip target, ...); use
    /// <see cref="EnasMutatorOptions.ForMicroSpace"/> for the micro space. Its seed is combined with <see cref="OneShotTrainerOptions.Seed"/>.
    /// </summary>
    public EnasMutatorOptions Controller { get; set; } = new();

    /// <summary>Steps of the shared weights per epoch, each on a newly sampled architecture (NNI: 500).</summary>
    public int ChildSteps { get; set; } = 500;

    /// <summary>Controller steps per epoch (NNI: 50).</summary>
    public int ControllerSteps { get; set; } = 50;

    /// <summary>Sampled architectures (one reward batch each) whose gradients make one controller step (NNI: 20).</summary>
    public int ControllerAggregate { get; set; } = 20;

    /// <summary>Learning rate of the controller's Adam (NNI: 3.5e-4).</summary>
    public double ControllerLearningRate { get; set; } = 3.5e-4;

    /// <summary>Gradient norm clip of the controller; 0 for none (NNI: 5).</summary>
    public double ControllerGradientClip { get; set; } = 5;

    /// <summary>Weight of the sample entropy added to the reward; 0 for none (NNI: 1e-4).</summary>
    public double EntropyWeight { get; set; } = 1e-4;

    /// <summary>Weight of the skip penalty in the controller's loss; 0 for none (NNI: 0.8).</summary>
    public double SkipWeight { get; set; } = 0.8;

    /// <summary>Decay of the reward's moving-average baseline (NNI: 0.999).</summary>
    public double BaselineDecay { get; set; } = 0.999;

    /// <summary>Weight of the auxiliary head's loss in child steps, when the model has one (NNI: 0.4).</summary>
    public double AuxiliaryWeight { get; set; } = 0.4;

    /// <summary>
    /// The fraction of the training data held out to reward the controller (NNI: 0.1): a seeded sample stratified by
    /// class (NNI takes the last rows, which for data sorted by label are one or two classes). Without validation data,
    /// the exported architecture is the best of <see cref="ExportSamples"/> scored on it.
    /// </summary>
    public double RewardFraction { get; set; } = 0.1;

    /// <summary>Reward of (logits, labels) on a reward batch, higher is better; null for the metric (accuracy by default).</summary>
    public Func<Tensor, Tensor, double>? Reward { get; set; }

    /// <summary>How the exported architecture is chosen (default: the best of several samples, as the ENAS paper does).</summary>
    public EnasExportMode ExportMode { get; set; } = EnasExportMode.BestOfSamples;

    /// <summary>Architectures sampled and scored by <see cref="EnasExportMode.BestOfSamples"/>.</summary>
    public int ExportSamples { get; set; } = 10;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Positive(ChildSteps, nameof(ChildSteps));
        Positive(ControllerSteps, nameof(ControllerSteps));
        Positive(ControllerAggregate, nameof(ControllerAggregate));
        Positive(ExportSamples, nameof(ExportSamples));
        if (Controller is null)
        {
            throw new ArgumentException($"{nameof(Controller)} options are required.", nameof(Controller));
        }
        if (!(RewardFraction > 0 && RewardFraction < 1))
        {
            throw new ArgumentException($"{nameof(RewardFraction)} must lie in (0, 1); got {RewardFraction}.", nameof(RewardFraction));
        }
        if (!(ControllerLearningRate > 0) || !(ControllerGradientClip >= 0) || !(EntropyWeight >= 0) || !(SkipWeight >= 0) || !(AuxiliaryWeight >= 0))
        {
            throw new ArgumentException(
                $"{nameof(ControllerLearningRate)} must be positive; {nameof(ControllerGradientClip)}, {nameof(EntropyWeight)}, {nameof(SkipWeight)} and {nameof(AuxiliaryWeight)} non-negative.");
        }
        if (!(BaselineDecay is >= 0 and < 1))
        {
            throw new ArgumentException($"{nameof(BaselineDecay)} must lie in [0, 1); got {BaselineDecay}.", nameof(BaselineDecay));
        }
        if (!Enum.IsDefined(ExportMode))
        {
            throw new ArgumentException($"{nameof(ExportMode)} must be BestOfSamples or SingleSample; got {ExportMode}.", nameof(ExportMode));
        }
        if (TrainData is { } data && (long)Math.Floor(data.Count * RewardFraction) < 1)
        {
            throw new ArgumentException(
                $"ENAS holds back {RewardFraction:P0} of {nameof(TrainData)} to reward the controller; {data.Count} samples leave none.", nameof(TrainData));
        }
        Controller.Validate();
    }
}
