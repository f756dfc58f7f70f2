using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// DARTS's second-order architecture gradient, as in the paper (arXiv 1806.09055, eq. 7–8): the virtual step
/// <c>w' = w − ξ(momentum·buf + ∇w L_train(w, α) + wd·w)</c>, then
/// <c>∇α L_val(w', α) − ξ · (∇α L_train(w⁺, α) − ∇α L_train(w⁻, α)) / 2ε</c> with <c>w± = w ± ε ∇w' L_val(w', α)</c> and
/// <c>ε = 0.01 / ‖∇w' L_val(w', α)‖</c>.
/// </summary>
/// <remarks>
/// The virtual step is applied to the model's own parameters in place (after a backup, restored in every case), so no
/// second network is held. NNI v1's unrolled step never applied its virtual step; this one does.
/// </remarks>
internal sealed class SecondOrderArchitectureStep
{
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly DartsMutator mutator;
    private readonly SgdWithMomentum weightOptimizer;
    private readonly Func<Tensor, Tensor, Tensor> loss;

    /// <summary>Creates the step for <paramref name="model"/> searched by <paramref name="mutator"/>.</summary>
    /// <param name="model">The supernet.</param>
    /// <param name="mutator">Its DARTS mutator (the alphas).</param>
    /// <param name="weightOptimizer">The weights' SGD: its parameters, momentum buffers, momentum and weight decay define the virtual step.</param>
    /// <param name="loss">Loss of (logits, labels).</param>
    public SecondOrderArchitectureStep(nn.Module<Tensor, Tensor> model, DartsMutator mutator, SgdWithMomentum weightOptimizer, Func<Tensor, Tensor, Tensor> loss)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.mutator = mutator ?? throw new ArgumentNullException(nameof(mutator));
        this.weightOptimizer = weightOptimizer ?? throw new ArgumentNullException(nameof(weightOptimizer));
        this.loss = loss ?? throw new ArgumentNullException(nameof(loss));
    }

    /// <summary>
    /// The finite-difference step of the Hessian-vector product is this divided by ‖∇w' L_val‖ (the paper's 0.01).
    /// </summary>
    public double FiniteDifferenceScale { get; set; } = 0.01;

    /// <summary>
    /// Called after each of the four passes (virtual step, validation, w⁺, w⁻), once that pass's tensors are freed:
    /// the trainer releases freed native memory there. Null for nothing.
    /// </summary>
    public Action? AfterPass { get; set; }

    /// <summary>
    /// Sets each alpha's gradient to the second-order hypergradient at virtual step size <paramref name="xi"/> (DARTS
    /// uses the weights' current learning rate) and returns <c>L_val(w', α)</c>. The weights end as they began.
    /// </summary>
    public double ComputeGradient(TensorBatch train, TensorBatch valid, double xi)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(valid);
        return ComputeGradient((train.Features, train.Labels), (valid.Features, valid.Labels), xi);
    }

    /// <summary>As <see cref="ComputeGradient(TensorBatch, TensorBatch, double)"/>, for batches given as (features, labels).</summary>
    public double ComputeGradient((Tensor Features, Tensor Labels) train, (Tensor Features, Tensor Labels) valid, double xi)
    {
        var weights = weightOptimizer.Parameters;
        var alphas = mutator.ArchitectureParameters;
        bool tracked = mutator.ArchitectureGradients;
        using var scope = NewDisposeScope();
        var backup = new Tensor[weights.Count];
        using (no_grad())
        {
            for (int i = 0; i < weights.Count; i++)
            {
                backup[i] = weights[i].detach().clone();
            }
        }
        try
        {
            VirtualStep(train, weights, xi);
            var (validLoss, alphaGradients, direction) = ValidationGradients(valid, alphas, weights);
            double norm;
            using (no_grad())
            {
                norm = stack(direction.Select(d => d.norm()).ToArray()).norm().ToDouble();
            }
            double epsilon = FiniteDifferenceScale / Math.Max(norm, 1e-12);
            var plus = AlphaGradientsAt(train, weights, backup, direction, epsilon, alphas);
            var minus = AlphaGradientsAt(train, weights, backup, direction, -epsilon, alphas);
            using (no_grad())
            {
                for (int a = 0; a < alphas.Count; a++)
                {
                    var hypergradient = alphaGradients[a] - (plus[a] - minus[a]) * (xi / (2 * epsilon));
                    SetGradient(alphas[a], hypergradient);
                }
            }
            return validLoss;
        }
        finally
        {
            using (no_grad())
            {
                for (int i = 0; i < weights.Count; i++)
                {
                    weights[i].copy_(backup[i]);
                }
            }
            mutator.ArchitectureGradients = tracked;
        }
    }

    private void VirtualStep((Tensor Features, Tensor Labels) train, IReadOnlyList<Parameter> weights, double xi) => Pass(() =>
    {
        var trainGradients = Gradients(Loss(train, differentiableAlphas: false), weights);
        using var noGrad = no_grad();
        for (int i = 0; i < weights.Count; i++)
        {
            var step = trainGradients[i].add(weights[i], alpha: weightOptimizer.WeightDecay);
            if (weightOptimizer.MomentumBuffer(i) is { } buffer)
            {
                step = step.add(buffer, alpha: weightOptimizer.Momentum);
            }
            weights[i].add_(step, alpha: -xi);
        }
        return [];
    });

    private (double Loss, Tensor[] AlphaGradients, Tensor[] Direction) ValidationGradients((Tensor Features, Tensor Labels) valid, IReadOnlyList<Parameter> alphas, IReadOnlyList<Parameter> weights)
    {
        double value = double.NaN;
        var gradients = Pass(() =>
        {
            var loss = Loss(valid, differentiableAlphas: true);
            value = loss.ToDouble();
            return Gradients(loss, [.. alphas, .. weights]);
        });
        return (value, gradients[..alphas.Count], gradients[alphas.Count..]);
    }

    private Tensor[] AlphaGradientsAt((Tensor Features, Tensor Labels) train, IReadOnlyList<Parameter> weights, Tensor[] backup, Tensor[] direction, double epsilon, IReadOnlyList<Parameter> alphas)
    {
        using (no_grad())
        {
            for (int i = 0; i < weights.Count; i++)
            {
                weights[i].copy_(backup[i]).add_(direction[i], alpha: epsilon);
            }
        }
        return Pass(() => Gradients(Loss(train, differentiableAlphas: true), alphas));
    }

    // One forward and backward pass in a dispose scope of its own, keeping only the tensors it returns: what a pass's
    // forward left behind would otherwise stay alive through the later passes (measured: a live peak of 1996 MiB instead of
    // 1540 MiB in the MNIST second-order benchmark). The trainer's memory release runs once the pass's tensors are gone.
    private Tensor[] Pass(Func<Tensor[]> run)
    {
        Tensor[] kept;
        using (NewDisposeScope())
        {
            kept = run();
            foreach (var tensor in kept)
            {
                tensor.MoveToOuterDisposeScope();
            }
        }
        AfterPass?.Invoke();
        return kept;
    }

    private Tensor Loss((Tensor Features, Tensor Labels) batch, bool differentiableAlphas)
    {
        mutator.ArchitectureGradients = differentiableAlphas;
        mutator.Reset();
        return loss(model.call(batch.Features), batch.Labels);
    }

    private Tensor[] Gradients(Tensor output, IReadOnlyList<Tensor> inputs)
    {
        var gradients = autograd.grad([output], [.. inputs], allow_unused: true);
        var result = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            // An input the loss does not reach (an unused parameter) has no gradient: it is zero.
            result[i] = gradients[i] is { IsInvalid: false } g ? g : zeros_like(inputs[i]);
        }
        return result;
    }

    internal static void SetGradient(Parameter parameter, Tensor value)
    {
        using var noGrad = no_grad();
        if (parameter.grad is { } existing)
        {
            existing.copy_(value);
        }
        else
        {
            parameter.grad = value.detach().clone();
        }
    }
}
