using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>
/// Stochastic gradient descent with momentum and L2 weight decay, with PyTorch's <c>torch.optim.SGD</c> semantics
/// (no dampening): <c>d ← g + wd·w</c>, <c>buf ← momentum·buf + d</c> (<c>buf ← d</c> on the first step), and
/// <c>w ← w − lr·buf</c>, or with Nesterov momentum <c>w ← w − lr·(d + momentum·buf)</c>.
/// </summary>
/// <remarks>
/// Its momentum buffers are readable (<see cref="MomentumBuffer"/>) because DARTS's second-order step needs them for the
/// virtual step <c>w' = w − ξ(momentum·buf + ∇L_train + wd·w)</c>, and writable to checkpoints.
/// </remarks>
public sealed class SgdWithMomentum : IParameterOptimizer
{
    private readonly Parameter[] parameters;
    private readonly Tensor?[] buffers;

    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate, momentum or decay is negative, or Nesterov momentum has no momentum.</exception>
    public SgdWithMomentum(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0.9, double weightDecay = 0, bool nesterov = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (nesterov && momentum <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Nesterov momentum needs a momentum above 0.");
        }
        Nesterov = nesterov;
        this.parameters = parameters.ToArray();
        buffers = new Tensor?[this.parameters.Length];
        LearningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <inheritdoc/>
    public double LearningRate { get; set; }

    /// <summary>The momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>The L2 weight decay added to each gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the step looks ahead along the momentum (Nesterov): <c>w ← w − lr·(d + momentum·buf)</c>.</summary>
    public bool Nesterov { get; }

    /// <summary>The momentum buffer of parameter <paramref name="index"/> (null before its first step or without momentum).</summary>
    public Tensor? MomentumBuffer(int index) => buffers[index];

    /// <inheritdoc/>
    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Made once per step and disposed: an implicit number would leave a native Scalar per parameter to the finalizer.
        using var decay = WeightDecay.ToScalar();
        using var momentum = Momentum.ToScalar();
        using var descent = (-LearningRate).ToScalar();
        for (int i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.grad is not { } grad)
            {
                continue;
            }
            var direction = WeightDecay != 0 ? grad.add(parameter, decay) : grad;
            if (Momentum != 0)
            {
                if (buffers[i] is { } buffer)
                {
                    buffer.mul_(momentum).add_(direction, Runtime.SharedScalars.One);
                }
                else
                {
                    buffers[i] = direction.detach().clone().DetachFromDisposeScope();
                }
                direction = Nesterov ? direction.add(buffers[i]!, momentum) : buffers[i]!;
            }
            parameter.add_(direction, descent);
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
    public void Save(BinaryWriter writer) => OptimizerState.Write(writer, nameof(SgdWithMomentum), [buffers], step: 0);

    /// <inheritdoc/>
    public void Load(BinaryReader reader) => OptimizerState.Read(reader, nameof(SgdWithMomentum), [buffers], parameters);

    /// <inheritdoc/>
    public void Dispose()
    {
        OptimizerState.Free(buffers);
    }
}
