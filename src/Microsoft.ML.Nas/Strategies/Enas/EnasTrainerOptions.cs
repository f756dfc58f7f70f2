using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// Settings of an ENAS search. The controller's and the child's hyperparameters are NNI's (NNI v1.9 `enas/` and the ENAS paper, arXiv 1802.03268): SGD 0.05,
/// momentum 0.9, weight decay 1e-4, cosine to 0.001, clip 5, auxiliary loss weight 0.4; controller Adam 3.5e-4, clip 5,
/// rewarded on a stratified 10% of the training data. The amount of work per epoch is kept small enough for a laptop: 10
/// epochs of 100 child steps (a fresh architecture per step) and 20 controller steps of 5 aggregated batches (NNI: 150
/// epochs, 500 child steps, 50 controller steps of 20). The same object is the ML.NET ENAS estimator's <c>Search</c> options.
/// </summary>
public sealed class EnasTrainerOptions : OneShotTrainerOptions
{
    /// <summary>Creates the options with the ENAS defaults where they differ from the loop's.</summary>
    public EnasTrainerOptions()
    {
        LearningRate = 0.05;
        WeightDecay = 1e-4;
    }

    /// <summary>
    /// The controller's own hyperparameters (LSTM size, tanh constant, skip target, ...); its seed is combined with the
    /// trainer's. Null (default) picks NNI's for the model searched: <see cref="EnasMutatorOptions.ForMicroSpace"/> for
    /// the ENAS micro network, <see cref="EnasMutatorOptions"/>' defaults otherwise.
    /// </summary>
    public EnasMutatorOptions? Controller { get; set; }

    /// <summary>Steps of the shared weights per epoch, each on a newly sampled architecture; default 100 (NNI: 500).</summary>
    public int ChildSteps { get; set; } = 100;

    /// <summary>Controller steps per epoch; default 20 (NNI: 50).</summary>
    public int ControllerSteps { get; set; } = 20;

    /// <summary>Sampled architectures (one reward batch each) whose gradients make one controller step; default 5 (NNI: 20).</summary>
    public int ControllerAggregate { get; set; } = 5;

    /// <summary>Learning rate of the controller's Adam; default 3.5e-4 (NNI's).</summary>
    public double ControllerLearningRate { get; set; } = 3.5e-4;

    /// <summary>Gradient norm clip of the controller; 0 for none; default 5 (NNI's).</summary>
    public double ControllerGradientClip { get; set; } = 5;

    /// <summary>Weight of the sample entropy added to the reward; 0 for none; default 1e-4 (NNI's).</summary>
    public double EntropyWeight { get; set; } = 1e-4;

    /// <summary>Weight of the skip penalty in the controller's loss; 0 for none; default 0.8 (NNI's).</summary>
    public double SkipWeight { get; set; } = 0.8;

    /// <summary>Decay of the reward's moving-average baseline; default 0.999 (NNI's).</summary>
    public double BaselineDecay { get; set; } = 0.999;

    /// <summary>
    /// Whether the baseline starts at the first reward instead of 0 (NNI); default false. With NNI's decay of 0.999 a
    /// baseline that starts at 0 needs thousands of controller samples to reach the rewards, and until then every
    /// sample beats it, so the controller is pushed towards whatever it drew, most towards what scores well on barely
    /// trained shared weights (pools). A short search draws a few hundred. On the embedded digits' 5-minute main job,
    /// starting at the first reward left the retrained accuracy where it was (README, "Two commands").
    /// </summary>
    public bool BaselineFromFirstReward { get; set; }

    /// <summary>
    /// Which statistics batch normalization uses when a sampled architecture is scored (the controller's rewards and the
    /// best-of-N export); default <see cref="RewardNormalization.BatchStatistics"/>. NNI scores in evaluation mode
    /// (<see cref="RewardNormalization.RunningStatistics"/>), whose statistics average over every path the child steps
    /// sampled: measured on the digits (README, "How well ENAS searches here"), its rewards stayed near half the shared
    /// weights' own accuracy, and its best-of-8 export took pools in three of four layers, against one in eight with batch
    /// statistics.
    /// </summary>
    public RewardNormalization RewardNormalization { get; set; } = RewardNormalization.BatchStatistics;

    /// <summary>Weight of the auxiliary head's loss in child steps, when the model has one; default 0.4 (NNI's).</summary>
    public double AuxiliaryWeight { get; set; } = 0.4;

    /// <summary>
    /// The fraction of the training data held out to reward the controller (NNI: 0.1): a seeded sample stratified by
    /// class (NNI takes the last rows, which for data sorted by label are one or two classes). Without validation data,
    /// the exported architecture is the best of <see cref="ExportSamples"/> scored on it.
    /// </summary>
    public double RewardFraction { get; set; } = 0.1;

    /// <summary>Reward of (logits, labels) on a reward batch, higher is better; null (default) for the metric (accuracy by default).</summary>
    public Func<Tensor, Tensor, double>? Reward { get; set; }

    /// <summary>How the exported architecture is chosen; default the best of several samples, as the ENAS paper does.</summary>
    public EnasExportMode ExportMode { get; set; } = EnasExportMode.BestOfSamples;

    /// <summary>Architectures sampled and scored by <see cref="EnasExportMode.BestOfSamples"/>; default 10.</summary>
    public int ExportSamples { get; set; } = 10;

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.Positive(ChildSteps, path + nameof(ChildSteps));
        OptionCheck.Positive(ControllerSteps, path + nameof(ControllerSteps));
        OptionCheck.Positive(ControllerAggregate, path + nameof(ControllerAggregate));
        OptionCheck.Positive(ExportSamples, path + nameof(ExportSamples));
        OptionCheck.Require(RewardFraction is > 0 and < 1, path + nameof(RewardFraction), RewardFraction, "in (0, 1)");
        OptionCheck.Positive(ControllerLearningRate, path + nameof(ControllerLearningRate));
        OptionCheck.NonNegative(ControllerGradientClip, path + nameof(ControllerGradientClip));
        OptionCheck.NonNegative(EntropyWeight, path + nameof(EntropyWeight));
        OptionCheck.NonNegative(SkipWeight, path + nameof(SkipWeight));
        OptionCheck.NonNegative(AuxiliaryWeight, path + nameof(AuxiliaryWeight));
        OptionCheck.Fraction(BaselineDecay, path + nameof(BaselineDecay));
        OptionCheck.Require(Enum.IsDefined(RewardNormalization), path + nameof(RewardNormalization), RewardNormalization, "RunningStatistics or BatchStatistics");
        OptionCheck.Require(Enum.IsDefined(ExportMode), path + nameof(ExportMode), ExportMode, "BestOfSamples or SingleSample");
        Controller?.Validate(path + nameof(Controller) + ".");
    }
}
