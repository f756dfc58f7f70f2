using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter, arXiv 1711.05101), with PyTorch's <c>torch.optim.AdamW</c>
/// semantics: <c>w ← w·(1 − lr·wd)</c>, then the bias-corrected Adam step <c>w ← w − lr·m̂/(√v̂ + ε)</c> on the plain
/// gradient. Unlike <see cref="AdamWithL2"/>, the decay does not pass through the moments, so it shrinks every weight
/// at the same relative rate whatever its gradient's scale.
/// </summary>
public sealed class AdamWithDecoupledDecay : IParameterOptimizer
{
    private readonly Parameter[] parameters;
    private readonly Tensor?[] firstMoments;
    private readonly Tensor?[] secondMoments;
    private long step;

    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate or decay is negative, or a beta is outside [0, 1).</exception>
    public AdamWithDecoupledDecay(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = 0.01, double beta1 = 0.9,
        double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), $"Adam's betas must lie in [0, 1); got ({beta1}, {beta2}).");
        }
        this.parameters = parameters.ToArray();
        firstMoments = new Tensor?[this.parameters.Length];
        secondMoments = new Tensor?[this.parameters.Length];
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <inheritdoc/>
    public double LearningRate { get; set; }

    /// <summary>The decoupled weight decay: each step multiplies the weights by 1 − lr·decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        step++;
        double correction1 = 1 - Math.Pow(Beta1, step);
        double correction2 = 1 - Math.Pow(Beta2, step);
        // Made once per step and disposed: an implicit number would leave a native Scalar per parameter to the finalizer.
        using var shrink = (1 - LearningRate * WeightDecay).ToScalar();
        using var beta1 = Beta1.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var secondCorrection = correction2.ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var stepSize = (-LearningRate / correction1).ToScalar();
        for (int i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.grad is not { } grad)
            {
                continue;
            }
            if (WeightDecay != 0)
            {
                parameter.mul_(shrink);
            }
            firstMoments[i] ??= zeros_like(parameter).DetachFromDisposeScope();
            secondMoments[i] ??= zeros_like(parameter).DetachFromDisposeScope();
            var m = firstMoments[i]!.mul_(beta1).add_(grad, oneMinusBeta1);
            var v = secondMoments[i]!.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            var denominator = v.div(secondCorrection).sqrt_().add_(epsilon, Runtime.SharedScalars.One);
            parameter.addcdiv_(m, denominator, stepSize);
        }
    }

    /// <inheritdoc/>
    public void ZeroGrad()
    {
        foreach (var parameter in parameters)
        {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }

    /// <inheritdoc/>
    public void Save(BinaryWriter writer) => OptimizerState.Write(writer, nameof(AdamWithDecoupledDecay), [firstMoments, secondMoments], step);

    /// <inheritdoc/>
    public void Load(BinaryReader reader) => step = OptimizerState.Read(reader, nameof(AdamWithDecoupledDecay), [firstMoments, secondMoments], parameters);

    /// <inheritdoc/>
    public void Dispose()
    {
        OptimizerState.Free(firstMoments);
        OptimizerState.Free(secondMoments);
    }
}
