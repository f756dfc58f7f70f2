using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// Drop-path (the DARTS paper's retraining regularizer): in training, zeroes a whole sample's path with probability
/// p and scales the kept ones by 1/(1 − p), so the expectation is unchanged.
/// </summary>
public static class DropPath
{
    /// <summary>Applies drop-path with probability <paramref name="probability"/> to <paramref name="input"/> [N, ...].</summary>
    public static Tensor Apply(Tensor input, double probability)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (probability <= 0)
        {
            return input;
        }
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(probability, 1.0);
        double keep = 1 - probability;
        var shape = new long[input.dim()];
        Array.Fill(shape, 1L);
        shape[0] = input.size(0);
        var mask = empty(shape, dtype: input.dtype, device: input.device).bernoulli_(keep);
        return input.div(keep).mul(mask);
    }
}
