using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Proxyless;

/// <summary>ProxylessNAS's latency loss: the cross-entropy combined with the expected latency (<see cref="LatencyLossForm"/>).</summary>
internal static class LatencyLoss
{
    /// <summary>α of the multiplicative form.</summary>
    public const double Alpha = 0.2;

    /// <summary>β of the multiplicative form.</summary>
    public const double Beta = 0.6;

    /// <summary>λ of the additive form.</summary>
    public const double Lambda = 0.1;

    /// <summary>
    /// The architecture step's loss from <paramref name="crossEntropy"/> and <paramref name="expectedMilliseconds"/>
    /// (differentiable in the path probabilities) against <paramref name="targetMilliseconds"/>.
    /// </summary>
    public static Tensor Combine(Tensor crossEntropy, Tensor expectedMilliseconds, double targetMilliseconds, LatencyLossForm form)
    {
        if (form == LatencyLossForm.Additive)
        {
            return crossEntropy + Lambda * (expectedMilliseconds - targetMilliseconds) / targetMilliseconds;
        }
        // In microseconds both logarithms are positive for any real network (above 1 µs); the clamp keeps a log of 0 out.
        var ratio = (expectedMilliseconds * 1000).clamp_min(1 + 1e-6).log() / Math.Log(targetMilliseconds * 1000);
        return crossEntropy * Alpha * ratio.pow(Beta);
    }
}
