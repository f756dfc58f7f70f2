using TorchSharp.Modules;

namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>
/// Adam with L2 weight decay added to the gradient, with PyTorch's <c>torch.optim.Adam</c> semantics (bias-corrected
/// moments; <c>w ← w − lr·m̂/(√v̂ + ε)</c>), as DARTS uses for its alphas and ENAS for its controller.
/// </summary>
public sealed class AdamWithL2 : AdamOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate or decay is negative, or a beta is outside [0, 1).</exception>
    public AdamWithL2(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double weightDecay = 0, double epsilon = 1e-8)
        : base(parameters, learningRate, beta1, beta2, weightDecay, epsilon, decoupled: false)
    {
    }
}
