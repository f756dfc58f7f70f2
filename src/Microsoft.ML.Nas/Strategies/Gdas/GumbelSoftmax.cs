using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Gdas;

/// <summary>
/// GDAS's hard Gumbel-softmax (arXiv 1910.04465, eq. 3–5): soft = softmax((log_softmax(α) + g) / τ) with Gumbel noise
/// g, and a hard one-hot at its argmax whose gradient is the soft sample's (straight-through).
/// </summary>
internal static class GumbelSoftmax
{
    // rand draws from [0, 1): keep −log(−log(u)) finite at both ends (float32's largest value below 1 is 1 − 6e-8).
    private const double Smallest = 1e-20;
    private const double Largest = 1 - 1e-7;

    /// <summary>Gumbel(0, 1) noise shaped, typed and placed like <paramref name="like"/>, from torch's generator of its device.</summary>
    public static Tensor Noise(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        using var scope = NewDisposeScope();
        var uniform = rand(like.shape, dtype: like.dtype, device: like.device).clamp_(Smallest, Largest);
        return uniform.log_().neg_().log_().neg_().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The sample of <paramref name="logits"/> under <paramref name="noise"/> at <paramref name="temperature"/>: the
    /// hard one-hot (exactly 0 and 1 in the forward: soft − soft.detach() is 0, then the one-hot is added), the soft
    /// sample, and the chosen index (a 0-d tensor on the device).
    /// </summary>
    public static (Tensor Hard, Tensor Soft, Tensor Index) Sample(Tensor logits, Tensor noise, double temperature)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(noise);
        var soft = nn.functional.softmax((nn.functional.log_softmax(logits, 0) + noise) / temperature, 0);
        var index = soft.detach().argmax(0);
        var oneHot = nn.functional.one_hot(index, soft.size(0)).to(soft.dtype);
        var hard = (soft - soft.detach()).add_(oneHot);
        return (hard, soft, index);
    }
}
