namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// Settings shared by the strategies that train the supernet one uniformly sampled path per step (Random, SPOS) and
/// then choose among architectures scored with the shared weights. Without validation data, they score on a
/// stratified <see cref="ScoreFraction"/> of the training data held out of the supernet's training.
/// </summary>
public abstract class SinglePathTrainerOptions : OneShotTrainerOptions
{
    /// <summary>Weight steps per epoch, each on a newly sampled path; null (default) for one pass over the training data.</summary>
    public int? StepsPerEpoch { get; set; }

    /// <summary>Weight of the auxiliary head's loss, when the model has one; default 0.4 (as ENAS).</summary>
    public double AuxiliaryWeight { get; set; } = 0.4;

    /// <summary>
    /// Without validation data, the fraction of the training data (a seeded split stratified by class) held out of the
    /// supernet's training to score architectures on; default 0.1. Unused when there is validation data.
    /// </summary>
    public double ScoreFraction { get; set; } = 0.1;

    /// <summary>
    /// Training batches over which the batch-norm statistics are re-estimated for each architecture before it is
    /// scored (their running statistics from single-path training mix every path's); 0 for none. The statistics are
    /// restored afterwards.
    /// </summary>
    public int BatchNormBatches { get; set; }

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.Require(StepsPerEpoch is null or > 0, path + nameof(StepsPerEpoch), StepsPerEpoch, "positive, or null for one pass over the data");
        OptionCheck.NonNegative(AuxiliaryWeight, path + nameof(AuxiliaryWeight));
        OptionCheck.Require(ScoreFraction is > 0 and < 1, path + nameof(ScoreFraction), ScoreFraction, "in (0, 1)");
        OptionCheck.Require(BatchNormBatches >= 0, path + nameof(BatchNormBatches), BatchNormBatches, "0 or more");
    }
}
