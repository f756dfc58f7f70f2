namespace Microsoft.ML.Nas.Strategies.Random;

/// <summary>
/// Settings of a random one-shot search (NNI's <c>RandomMutator</c> baseline with a best-of-N export): the loop's
/// defaults, one pass over the training data per epoch, each step on a uniformly drawn path, then
/// <see cref="ExportSamples"/> uniformly drawn architectures scored with the shared weights, each after its batch-norm
/// statistics are re-estimated on <see cref="SinglePathTrainerOptions.BatchNormBatches"/> training batches (default
/// 8, as SPOS). The same object is the ML.NET Random estimator's <c>Search</c> options.
/// </summary>
public sealed class RandomTrainerOptions : SinglePathTrainerOptions
{
    /// <summary>Creates the options with Random's defaults where they differ from the shared ones.</summary>
    /// <remarks>
    /// The running statistics of single-path training average every path's, so an architecture scored with them is
    /// normalised for a network it is not: the ranking of the draws, which is all the export uses, would carry that bias.
    /// </remarks>
    public RandomTrainerOptions()
    {
        BatchNormBatches = 8;
    }

    /// <summary>Architectures drawn and scored at export (those within <see cref="OneShotTrainerOptions.MaxParameters"/>); default 20.</summary>
    public int ExportSamples { get; set; } = 20;

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.Positive(ExportSamples, path + nameof(ExportSamples));
    }
}
