using Microsoft.ML.Nas.Data;
namespace Microsoft.ML.Nas.Strategies.FinalTraining;

/// <summary>
/// Settings of training a fixed (pruned) architecture from scratch, with the DARTS paper's retraining defaults
/// (NNI v1.9 `darts/` and the DARTS paper, arXiv 1806.09055): 600 epochs, batch 96, SGD 0.025 (momentum 0.9, wd 3e-4) cosine to 0, clip 5, auxiliary weight 0.4,
/// drop-path 0.2 (raised linearly from 0 over the epochs), cutout 16.
/// </summary>
public sealed class FixedArchitectureTrainerOptions : OneShotTrainerOptions
{
    /// <summary>Sets the paper's defaults where they differ from the search's.</summary>
    public FixedArchitectureTrainerOptions()
    {
        Epochs = 600;
        BatchSize = 96;
        MinLearningRate = 0;
    }

    /// <summary>Weight of the auxiliary head's loss, when the model has one; 0 to ignore it.</summary>
    public double AuxiliaryWeight { get; set; } = 0.4;

    /// <summary>Final drop-path probability (epoch e uses this × e / epochs); 0 turns it off.</summary>
    public double DropPathProbability { get; set; } = 0.2;

    /// <summary>Side of the cutout square on image batches; 0 turns cutout off.</summary>
    public int CutoutLength { get; set; } = 16;

    /// <summary>Largest random translation of image batches, in pixels per axis (<see cref="RandomShift"/>); 0 (default) turns it off.</summary>
    public int ShiftPixels { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (!(AuxiliaryWeight >= 0))
        {
            throw new ArgumentException($"{nameof(AuxiliaryWeight)} must be non-negative; got {AuxiliaryWeight}.", nameof(AuxiliaryWeight));
        }
        if (!(DropPathProbability is >= 0 and < 1))
        {
            throw new ArgumentException($"{nameof(DropPathProbability)} must lie in [0, 1); got {DropPathProbability}.", nameof(DropPathProbability));
        }
        if (CutoutLength < 0)
        {
            throw new ArgumentException($"{nameof(CutoutLength)} must be 0 (off) or positive; got {CutoutLength}.", nameof(CutoutLength));
        }
        if (ShiftPixels < 0)
        {
            throw new ArgumentException($"{nameof(ShiftPixels)} must be 0 (off) or positive; got {ShiftPixels}.", nameof(ShiftPixels));
        }
    }
}
