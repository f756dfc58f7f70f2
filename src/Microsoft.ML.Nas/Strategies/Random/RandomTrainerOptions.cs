namespace Microsoft.ML.Nas.Strategies.Random;

/// <summary>
/// Settings of a random one-shot search (NNI's <c>RandomMutator</c> baseline with a best-of-N export): the loop's
/// defaults, one pass over the training data per epoch, each step on a uniformly drawn path, then
/// <see cref="ExportSamples"/> uniformly drawn architectures scored with the shared weights. The same object is the
/// ML.NET Random estimator's <c>Search</c> options.
/// </summary>
public sealed class RandomTrainerOptions : SinglePathTrainerOptions
{
    /// <summary>Architectures drawn and scored at export (those within <see cref="OneShotTrainerOptions.MaxParameters"/>); default 20.</summary>
    public int ExportSamples { get; set; } = 20;

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.Positive(ExportSamples, path + nameof(ExportSamples));
    }
}
