using TorchSharp.Modules;

namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter, arXiv 1711.05101), with PyTorch's <c>torch.optim.AdamW</c>
/// semantics: <c>w ← w·(1 − lr·wd)</c>, then the bias-corrected Adam step <c>w ← w − lr·m̂/(√v̂ + ε)</c> on the plain
/// gradient. Unlike <see cref="AdamWithL2"/>, the decay does not pass through the moments, so it shrinks every weight
/// at the same relative rate whatever its gradient's scale.
/// </summary>
public sealed class AdamWithDecoupledDecay : AdamOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate or decay is negative, or a beta is outside [0, 1).</exception>
    public AdamWithDecoupledDecay(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = 0.01, double beta1 = 0.9,
        double beta2 = 0.999, double epsilon = 1e-8)
        : base(parameters, learningRate, beta1, beta2, weightDecay, epsilon, decoupled: true)
    {
    }
}
