using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// DARTS's continuous relaxation (NNI's <c>DartsMutator</c>): one alpha vector per LayerChoice key of length K+1, the
/// last entry the implicit "none" op; a LayerChoice's output is Σ softmax(alpha)_i · op_i(x) over its K real ops (the
/// none op adds zero). An InputChoice over LayerChoice keys (a DARTS cell's edges), or one choosing any subset, takes
/// all its inputs, reduced as it says (NNI sums them). An InputChoice choosing k of inputs that are not all LayerChoice
/// keys (anonymous inputs, scopes) has no edges to be ranked by, so it gets alphas of its own, one per input: its
/// output is Σ softmax(alpha)_i · input_i.
/// </summary>
/// <remarks>
/// <para>The mixing weights are computed once per <see cref="Reset"/> (all cells sharing a key reuse them) inside the
/// caller's dispose scope; call <see cref="Reset"/> before each forward. With
/// <see cref="DifferentiableMutator.ArchitectureGradients"/> off the weights are detached, so a weight step does no
/// work for the alphas' gradients.</para>
/// <para>Export: see <see cref="DifferentiableMutator"/>. <c>PdartsMutator</c> derives from it to search fewer candidates.</para>
/// </remarks>
public class DartsMutator : DifferentiableMutator
{
    private readonly Dictionary<string, Tensor[]> mixing = new(StringComparer.Ordinal);

    /// <summary>Binds to <paramref name="model"/> and creates its alphas (1e-3·N(0,1), torch's generator) beside its parameters.</summary>
    /// <exception cref="ArgumentException">
    /// The model has no LayerChoice, or an InputChoice that gets alphas concatenates several inputs (a weighted mix of
    /// all its inputs cannot have the width of k of them).
    /// </exception>
    public DartsMutator(nn.Module model) : base(model, hasNone: true)
    {
    }

    /// <summary>
    /// As <see cref="DartsMutator(nn.Module)"/>; with <paramref name="edgeNormalization"/> each InputChoice choosing k
    /// of a node's edges gets β weights as well (PC-DARTS: see <see cref="DifferentiableMutator.EdgeNormalization"/>):
    /// its output is Σ softmax(β)_j · edge_j.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="DartsMutator(nn.Module)"/>.</exception>
    public DartsMutator(nn.Module model, bool edgeNormalization) : base(model, hasNone: true, edgeNormalization)
    {
    }

    /// <summary>Computes the mixing weights for the next forward(s), in the caller's dispose scope.</summary>
    public override void Reset()
    {
        mixing.Clear();
        foreach (var (key, alpha) in Alphas)
        {
            var source = ArchitectureGradients ? alpha : alpha.detach();
            var weights = Softmax(key, source);
            mixing[key] = (SearchSpace[key].Kind == MutableKind.LayerChoice ? weights.narrow(0, 0, weights.size(0) - 1) : weights).unbind(0);
        }
    }

    /// <inheritdoc/>
    protected internal override Tensor MaskFor(DecisionInfo decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Kind == MutableKind.InputChoice
            ? ones(decision.CandidateCount, dtype: ScalarType.Bool)
            : stack(Mixing(decision.Key));
    }

    /// <inheritdoc/>
    protected internal override ChoiceOutput OnForwardLayerChoice(LayerChoice choice, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var weights = Mixing(choice.Key);
        var candidates = choice.Candidates;
        Tensor? mixed = null;
        for (int i = 0; i < candidates.Count; i++)
        {
            if (RunCandidate(choice, i, input) is not { } output)
            {
                continue;
            }
            // One fused op per candidate: mixed + w_i · op_i(x). Autograd keeps what it saved; our handles to the op's
            // output and the partial sum go at once, as Python's refcounts would drop them, so memory stays at PyTorch's.
            var next = mixed is null ? output.mul(weights[i]) : mixed.addcmul(weights[i], output, Runtime.SharedScalars.One);
            if (!ReferenceEquals(output, input))
            {
                output.Dispose();
            }
            mixed?.Dispose();
            mixed = next;
        }
        return Single(mixed);
    }

    /// <summary>
    /// The output of candidate <paramref name="index"/> of <paramref name="choice"/> in a search forward, to be mixed by
    /// its weight; null leaves it out (a candidate P-DARTS dropped).
    /// </summary>
    private protected virtual Tensor? RunCandidate(LayerChoice choice, int index, Tensor input) => choice.Candidates[index].call(input);

    /// <inheritdoc/>
    protected internal override ChoiceOutput OnForwardInputChoice(InputChoice choice, IReadOnlyList<Tensor?> inputs)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(inputs);
        return HasAlphas(choice.Key) ? MixInputs(Mixing(choice.Key), inputs) : ForwardAllInputs(choice, inputs);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            mixing.Clear();
        }
        base.Dispose(disposing);
    }

    private Tensor[] Mixing(string key)
    {
        if (!mixing.TryGetValue(key, out var weights) || weights.Length == 0 || weights[0].IsInvalid)
        {
            // A forward without Reset (or after its scope ended): compute afresh for this forward.
            Reset();
            weights = mixing[key];
        }
        return weights;
    }

    private static ChoiceOutput MixInputs(Tensor[] weights, IReadOnlyList<Tensor?> inputs)
    {
        Tensor? mixed = null;
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is { } input)
            {
                mixed = mixed is null ? input.mul(weights[i]) : mixed.addcmul(weights[i], input, Runtime.SharedScalars.One);
            }
        }
        return Single(mixed);
    }
}
