using Microsoft.ML.Nas.Data;
namespace Microsoft.ML.Nas.Strategies.FinalTraining;

/// <summary>
/// Settings of training a fixed (pruned) architecture from scratch: SGD 0.025 (momentum 0.9, weight decay 3e-4) cosine to
/// 0, clip 5, 10 epochs of batch 64, auxiliary loss weight 0.4, no drop-path, cutout, shift, warm-up, label smoothing,
/// weight average or step logs. The same
/// object is an ML.NET estimator's <c>Final</c> options. <see cref="DartsPaper"/> gives the DARTS paper's retraining.
/// </summary>
public sealed class FixedArchitectureTrainerOptions : OneShotTrainerOptions
{
    /// <summary>Sets the defaults where they differ from the search's: the schedule ends at 0, and no step logs.</summary>
    public FixedArchitectureTrainerOptions()
    {
        MinLearningRate = 0;
        LogFrequency = 0;
    }

    /// <summary>Weight of the auxiliary head's loss, when the model has one; 0 to ignore it; default 0.4.</summary>
    public double AuxiliaryWeight { get; set; } = 0.4;

    /// <summary>Final drop-path probability (epoch e uses this × e / epochs); 0 (default) turns it off.</summary>
    public double DropPathProbability { get; set; }

    /// <summary>Side of the cutout square on image batches; 0 (default) turns cutout off.</summary>
    public int CutoutLength { get; set; }

    /// <summary>Largest random translation of image batches, in pixels per axis (<see cref="RandomShift"/>); 0 (default) turns it off.</summary>
    public int ShiftPixels { get; set; }

    /// <summary>
    /// Decay of an exponential moving average of the weights, in [0, 1); 0 (default) turns it off. When on, the average
    /// follows every step (its decay warmed up as min(decay, (1 + n)/(10 + n)) over the first updates), is part of
    /// checkpoints, and at the end replaces the weights: the last epoch's validation, the returned and the saved model
    /// use it, with the batch-norm statistics of the trained weights. 0.999 suits runs of thousands of steps; a short
    /// run needs a smaller decay (about 1 − 10/steps) or the average still remembers its first epochs.
    /// </summary>
    public double WeightAverageDecay { get; set; }

    /// <summary>
    /// The DARTS paper's retraining (NNI v1.9 `darts/` and the DARTS paper, arXiv 1806.09055): 600 epochs, batch 96, drop-path 0.2 (raised linearly from 0 over the
    /// epochs), cutout 16, step logs every 10 steps; the rest as the defaults.
    /// </summary>
    public static FixedArchitectureTrainerOptions DartsPaper() => new()
    {
        Epochs = 600, BatchSize = 96, DropPathProbability = 0.2, CutoutLength = 16, LogFrequency = 10,
    };

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.NonNegative(AuxiliaryWeight, path + nameof(AuxiliaryWeight));
        OptionCheck.Fraction(DropPathProbability, path + nameof(DropPathProbability));
        OptionCheck.Require(CutoutLength >= 0, path + nameof(CutoutLength), CutoutLength, "0 (off) or positive");
        OptionCheck.Require(ShiftPixels >= 0, path + nameof(ShiftPixels), ShiftPixels, "0 (off) or positive");
        OptionCheck.Fraction(WeightAverageDecay, path + nameof(WeightAverageDecay));
    }
}
