using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>
/// Adam with PyTorch's semantics (bias-corrected moments; <c>w ← w − lr·m̂/(√v̂ + ε)</c>): the state and step that
/// <see cref="AdamWithL2"/> and <see cref="AdamWithDecoupledDecay"/> share. They differ only in where the weight decay
/// enters.
/// </summary>
public abstract class AdamOptimizer : IParameterOptimizer
{
    private readonly Parameter[] parameters;
    private readonly Tensor?[] firstMoments;
    private readonly Tensor?[] secondMoments;
    private readonly bool decoupled;
    private long step;

    /// <exception cref="ArgumentOutOfRangeException">A rate or decay is negative, or a beta is outside [0, 1).</exception>
    private protected AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2, double weightDecay,
        double epsilon, bool decoupled)
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
        this.decoupled = decoupled;
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

    /// <summary>
    /// The weight decay: added to each gradient as L2 (<see cref="AdamWithL2"/>), or multiplying the weights by
    /// <c>1 − lr·decay</c> each step outside the moments (<see cref="AdamWithDecoupledDecay"/>).
    /// </summary>
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
        using var decay = (decoupled ? 1 - LearningRate * WeightDecay : WeightDecay).ToScalar();
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
            var g = grad;
            if (WeightDecay != 0)
            {
                if (decoupled)
                {
                    parameter.mul_(decay);
                }
                else
                {
                    g = grad.add(parameter, decay);
                }
            }
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
    public void Save(BinaryWriter writer) => OptimizerState.Write(writer, GetType().Name, [firstMoments, secondMoments], step);

    /// <inheritdoc/>
    public void Load(BinaryReader reader) => step = OptimizerState.Read(reader, GetType().Name, [firstMoments, secondMoments], parameters);

    /// <inheritdoc/>
    public void Dispose()
    {
        OptimizerState.Free(firstMoments);
        OptimizerState.Free(secondMoments);
        GC.SuppressFinalize(this);
    }
}
