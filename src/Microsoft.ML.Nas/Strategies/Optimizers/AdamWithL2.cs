using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>
/// Adam with L2 weight decay added to the gradient, with PyTorch's <c>torch.optim.Adam</c> semantics (bias-corrected
/// moments; <c>w ← w − lr·m̂/(√v̂ + ε)</c>), as DARTS uses for its alphas and ENAS for its controller.
/// </summary>
public sealed class AdamWithL2 : IParameterOptimizer
{
    private readonly Parameter[] parameters;
    private readonly Tensor?[] firstMoments;
    private readonly Tensor?[] secondMoments;
    private long step;

    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate or decay is negative, or a beta is outside [0, 1).</exception>
    public AdamWithL2(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double weightDecay = 0, double epsilon = 1e-8)
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
        Beta1 = beta1;
        Beta2 = beta2;
        WeightDecay = weightDecay;
        Epsilon = epsilon;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <inheritdoc/>
    public double LearningRate { get; set; }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>The L2 weight decay added to each gradient.</summary>
    public double WeightDecay { get; }

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
        using var decay = WeightDecay.ToScalar();
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
            var g = WeightDecay != 0 ? grad.add(parameter, decay) : grad;
            firstMoments[i] ??= zeros_like(parameter).DetachFromDisposeScope();
            secondMoments[i] ??= zeros_like(parameter).DetachFromDisposeScope();
            var m = firstMoments[i]!.mul_(beta1).add_(g, oneMinusBeta1);
            var v = secondMoments[i]!.mul_(beta2).addcmul_(g, g, oneMinusBeta2);
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
    public void Save(BinaryWriter writer) => OptimizerState.Write(writer, nameof(AdamWithL2), [firstMoments, secondMoments], step);

    /// <inheritdoc/>
    public void Load(BinaryReader reader) => step = OptimizerState.Read(reader, nameof(AdamWithL2), [firstMoments, secondMoments], parameters);

    /// <inheritdoc/>
    public void Dispose()
    {
        OptimizerState.Free(firstMoments);
        OptimizerState.Free(secondMoments);
    }
}
