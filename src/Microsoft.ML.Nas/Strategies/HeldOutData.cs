using System.Globalization;
using Microsoft.ML.Nas.Data;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// The share of the training data a strategy holds back from its weight steps (ENAS's reward data, ProxylessNAS's
/// architecture data, Random's and SPOS's scoring data): a seeded stratified split, refused when it leaves nothing.
/// </summary>
internal static class HeldOutData
{
    /// <summary>Splits a fraction of the data off, stratified by class and shuffled with the seed.</summary>
    /// <param name="data">The training data.</param>
    /// <param name="fraction">The share held out.</param>
    /// <param name="seed">The split's seed.</param>
    /// <param name="owner">The strategy, for the message (e.g. "ENAS").</param>
    /// <param name="option">The option that sets the fraction (e.g. "RewardFraction").</param>
    /// <param name="purpose">What the held-out part is for, as the message ends (e.g. "to reward the controller").</param>
    /// <exception cref="ArgumentException">The fraction of <paramref name="data"/> rounds down to no sample.</exception>
    public static (TensorDataset Remaining, TensorDataset HeldOut) Split(TensorDataset data, double fraction, long seed, string owner, string option, string purpose)
    {
        long count = data.Count;
        long held = (long)Math.Floor(count * fraction);
        if (held < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{owner} holds back {option} = {fraction} of the training data {purpose}; {count} samples leave none."), nameof(data));
        }
        // Stratified, not NNI's last rows: of rows sorted by label, those would be one or two classes.
        return data.SplitStratified((double)(count - held) / count, seed);
    }
}
