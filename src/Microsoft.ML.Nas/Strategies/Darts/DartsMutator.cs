using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using TorchSharp.Modules;
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
/// caller's dispose scope; call <see cref="Reset"/> before each forward. With <see cref="ArchitectureGradients"/> off
/// the weights are detached, so a weight step does no work for the alphas' gradients.</para>
/// <para>Export (NNI v1.9 `darts/` and the DARTS paper, arXiv 1806.09055): each LayerChoice takes its argmax without none; an InputChoice over edges with
/// nChosen = k keeps the k inputs whose source edges have the strongest best weight, and the edges it drops get an
/// empty choice; one with alphas of its own keeps its k largest; one choosing any subset keeps every input.</para>
/// </remarks>
public sealed class DartsMutator : Mutator
{
    private readonly Dictionary<string, Parameter> alphas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor[]> mixing = new(StringComparer.Ordinal);

    /// <summary>Binds to <paramref name="model"/> and creates its alphas (1e-3·N(0,1), torch's generator) beside its parameters.</summary>
    /// <exception cref="ArgumentException">
    /// The model has no LayerChoice, or an InputChoice that gets alphas concatenates several inputs (a weighted mix of
    /// all its inputs cannot have the width of k of them).
    /// </exception>
    public DartsMutator(nn.Module model) : base(model)
    {
        var first = model.parameters().FirstOrDefault();
        var device = first?.device ?? CPU;
        var dtype = first?.dtype ?? ScalarType.Float32;
        using var scope = NewDisposeScope();
        foreach (var decision in Decisions)
        {
            int? length = decision.Kind == MutableKind.LayerChoice ? decision.CandidateCount + 1 : HasOwnAlphas(decision) ? decision.CandidateCount : null;
            if (length is { } n)
            {
                var alpha = (randn(n, dtype: dtype) * 1e-3).to(device);
                alphas.Add(decision.Key, new Parameter(alpha.DetachFromDisposeScope(), requires_grad: true));
            }
        }
        if (!Decisions.Any(d => d.Kind == MutableKind.LayerChoice))
        {
            throw new ArgumentException("DARTS needs at least one LayerChoice in the model to learn alphas for.", nameof(model));
        }
        foreach (var decision in Decisions.Where(d => HasOwnAlphas(d) && d.NChosen > 1))
        {
            if (decision.Mutables.OfType<InputChoice>().Any(c => c.Reduction == Reduction.Concat))
            {
                throw new ArgumentException(
                    $"InputChoice '{decision.Key}' concatenates the {decision.NChosen} inputs it chooses; DARTS mixes all {decision.CandidateCount} into one " +
                    "weighted sum, which cannot have their width. Use Reduction.Sum or Mean, or search it with ENAS.", nameof(model));
            }
        }
    }

    /// <summary>
    /// The alpha vector of every LayerChoice key (K+1 entries, the last for "none") and of every InputChoice that is
    /// ranked by alphas of its own (one entry per input: see the class remarks).
    /// </summary>
    public IReadOnlyDictionary<string, Parameter> Alphas => alphas;

    /// <summary>The alphas in decision order: what the architecture optimizer updates.</summary>
    public IReadOnlyList<Parameter> ArchitectureParameters => [.. Decisions.Where(d => alphas.ContainsKey(d.Key)).Select(d => alphas[d.Key])];

    /// <summary>Whether forwards after the next <see cref="Reset"/> track gradients to the alphas (default true).</summary>
    public bool ArchitectureGradients { get; set; } = true;

    /// <summary>Computes the mixing weights for the next forward(s), in the caller's dispose scope.</summary>
    public override void Reset()
    {
        mixing.Clear();
        foreach (var (key, alpha) in alphas)
        {
            var source = ArchitectureGradients ? alpha : alpha.detach();
            var weights = nn.functional.softmax(source, 0);
            mixing[key] = (SearchSpace[key].Kind == MutableKind.LayerChoice ? weights.narrow(0, 0, weights.size(0) - 1) : weights).unbind(0);
        }
    }

    /// <summary>softmax(alpha) per key: a LayerChoice's includes the last ("none") entry; an InputChoice's has one per input.</summary>
    public IReadOnlyDictionary<string, float[]> Weights()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return alphas.ToDictionary(p => p.Key,
            p => nn.functional.softmax(p.Value, 0).to(ScalarType.Float32).cpu().data<float>().ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The architecture by NNI v1.9's DARTS export rules (see the remarks of <see cref="DartsMutator"/>).</summary>
    public override Architecture Export()
    {
        var weights = Weights();
        var best = new Dictionary<string, (int Index, float Weight)>(StringComparer.Ordinal);
        foreach (var (key, w) in weights.Where(p => SearchSpace[p.Key].Kind == MutableKind.LayerChoice))
        {
            int argmax = 0;
            for (int i = 1; i < w.Length - 1; i++)
            {
                argmax = w[i] > w[argmax] ? i : argmax;
            }
            best[key] = (argmax, w[argmax]);
        }
        var masks = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        foreach (var decision in Decisions.Where(d => d.Kind == MutableKind.LayerChoice))
        {
            masks[decision.Key] = OneHot(decision.CandidateCount, best[decision.Key].Index);
        }
        foreach (var decision in Decisions.Where(d => d.Kind == MutableKind.InputChoice))
        {
            masks[decision.Key] = alphas.ContainsKey(decision.Key) ? Strongest(weights[decision.Key], decision.NChosen!.Value) : ChooseInputs(decision, best, masks);
        }
        using var scope = NewDisposeScope();
        return ArchitectureResolver.Describe(SearchSpace, d => tensor(masks[d.Key]));
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
            var output = candidates[i].call(input);
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
        return new ChoiceOutput(mixed, mixed is null ? [] : [mixed], null);
    }

    /// <inheritdoc/>
    protected internal override ChoiceOutput OnForwardInputChoice(InputChoice choice, IReadOnlyList<Tensor?> inputs)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(inputs);
        if (alphas.ContainsKey(choice.Key))
        {
            return MixInputs(Mixing(choice.Key), inputs);
        }
        if (choice.Reduction != Reduction.Sum)
        {
            return choice.Run(inputs, MaskFor(SearchSpace[choice.Key]));
        }
        Tensor? sum = null;
        foreach (var input in inputs)
        {
            if (input is null)
            {
                continue;
            }
            var next = sum is null ? input : sum.add(input, Runtime.SharedScalars.One);
            if (sum is not null && !inputs.Any(i => ReferenceEquals(i, sum)))
            {
                sum.Dispose();
            }
            sum = next;
        }
        return new ChoiceOutput(sum, sum is null ? [] : [sum], null);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            mixing.Clear();
            foreach (var alpha in alphas.Values)
            {
                alpha.Dispose();
            }
            alphas.Clear();
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

    // NNI ranks a cell's inputs by their edges' ops; inputs that are not edges have nothing to be ranked by but alphas of
    // their own. Any subset keeps NNI's rule (every input): it needs no ranking.
    private bool HasOwnAlphas(DecisionInfo decision) => decision.Kind == MutableKind.InputChoice && decision.NChosen is not null
        && !decision.ChooseFrom.All(key => SearchSpace.Contains(key) && SearchSpace[key].Kind == MutableKind.LayerChoice);

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
        return new ChoiceOutput(mixed, mixed is null ? [] : [mixed], null);
    }

    private static bool[] Strongest(float[] weights, int count)
    {
        var kept = Enumerable.Range(0, weights.Length).OrderByDescending(i => weights[i]).ThenBy(i => i).Take(count).ToHashSet();
        return Enumerable.Range(0, weights.Length).Select(kept.Contains).ToArray();
    }

    private bool[] ChooseInputs(DecisionInfo decision, Dictionary<string, (int Index, float Weight)> best, Dictionary<string, bool[]> masks)
    {
        int count = decision.CandidateCount;
        if (decision.NChosen is not { } k)
        {
            return Enumerable.Repeat(true, count).ToArray();
        }
        var sources = decision.ChooseFrom;
        var kept = Enumerable.Range(0, count).OrderByDescending(i => best[sources[i]].Weight).ThenBy(i => i).Take(k).ToHashSet();
        var mask = new bool[count];
        for (int i = 0; i < count; i++)
        {
            mask[i] = kept.Contains(i);
            if (!mask[i])
            {
                masks[sources[i]] = new bool[masks[sources[i]].Length];
            }
        }
        return mask;
    }

    private static bool[] OneHot(int count, int index)
    {
        var mask = new bool[count];
        mask[index] = true;
        return mask;
    }
}
