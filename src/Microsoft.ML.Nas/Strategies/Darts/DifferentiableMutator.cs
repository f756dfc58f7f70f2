using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// What the DARTS family shares: one alpha vector per LayerChoice key (one entry per candidate, plus DARTS's implicit
/// "none" when <see cref="HasNone"/>), alphas of its own for an InputChoice whose inputs are not all LayerChoice keys
/// (one entry per input), and NNI's DARTS export. <see cref="DartsMutator"/> mixes every candidate by the softmax;
/// <c>GdasMutator</c> runs one Gumbel-sampled candidate.
/// </summary>
/// <remarks>
/// Export (NNI v1.9 `darts/` and the DARTS paper, arXiv 1806.09055): each LayerChoice takes its argmax (without none);
/// an InputChoice over edges with nChosen = k keeps the k inputs whose source edges have the strongest best weight,
/// and the edges it drops get an empty choice; one with alphas of its own keeps its k largest; one choosing any subset
/// keeps every input.
/// </remarks>
public abstract class DifferentiableMutator : Mutator
{
    private readonly Dictionary<string, Parameter> alphas = new(StringComparer.Ordinal);

    /// <summary>Binds to <paramref name="model"/> and creates its alphas (1e-3·N(0,1), torch's generator) beside its parameters.</summary>
    /// <param name="model">The supernet.</param>
    /// <param name="hasNone">Whether each LayerChoice's alphas end with DARTS's implicit "none" op.</param>
    /// <param name="edgeNormalization">Whether an InputChoice choosing k of LayerChoice keys (a node's edges) gets β weights (PC-DARTS).</param>
    /// <exception cref="ArgumentException">
    /// The model has no LayerChoice, or an InputChoice that gets alphas concatenates several inputs (a search forward
    /// gives it the width of one input, not of k).
    /// </exception>
    private protected DifferentiableMutator(nn.Module model, bool hasNone, bool edgeNormalization = false) : base(model)
    {
        HasNone = hasNone;
        EdgeNormalization = edgeNormalization;
        var first = model.parameters().FirstOrDefault();
        var device = first?.device ?? CPU;
        var dtype = first?.dtype ?? ScalarType.Float32;
        using var scope = NewDisposeScope();
        foreach (var decision in Decisions)
        {
            int? length = decision.Kind == MutableKind.LayerChoice ? decision.CandidateCount + (hasNone ? 1 : 0) : HasOwnAlphas(decision) || IsNormalizedEdges(decision) ? decision.CandidateCount : null;
            if (length is { } n)
            {
                var alpha = (randn(n, dtype: dtype) * 1e-3).to(device);
                alphas.Add(decision.Key, new Parameter(alpha.DetachFromDisposeScope(), requires_grad: true));
            }
        }
        if (!Decisions.Any(d => d.Kind == MutableKind.LayerChoice))
        {
            throw new ArgumentException($"{GetType().Name} needs at least one LayerChoice in the model to learn alphas for.", nameof(model));
        }
        foreach (var decision in Decisions.Where(d => d.Kind == MutableKind.InputChoice && alphas.ContainsKey(d.Key) && d.NChosen > 1))
        {
            if (decision.Mutables.OfType<InputChoice>().Any(c => c.Reduction == Reduction.Concat))
            {
                throw new ArgumentException(
                    $"InputChoice '{decision.Key}' concatenates the {decision.NChosen} inputs it chooses; a differentiable search gives it one input's " +
                    "width while it searches, not theirs. Use Reduction.Sum or Mean, or search it with ENAS.", nameof(model));
            }
        }
    }

    /// <summary>
    /// The alpha vector of every LayerChoice key (one entry per candidate, then "none" when <see cref="HasNone"/>) and of
    /// every InputChoice that is ranked by alphas of its own (one entry per input: see the class remarks).
    /// </summary>
    public IReadOnlyDictionary<string, Parameter> Alphas => alphas;

    /// <summary>The alphas in decision order: what the architecture optimizer updates.</summary>
    public IReadOnlyList<Parameter> ArchitectureParameters => [.. Decisions.Where(d => alphas.ContainsKey(d.Key)).Select(d => alphas[d.Key])];

    /// <summary>Whether forwards after the next <see cref="Mutator.Reset"/> track gradients to the alphas (default true).</summary>
    public bool ArchitectureGradients { get; set; } = true;

    /// <summary>Whether each LayerChoice's alphas end with an entry for DARTS's implicit "none" op.</summary>
    public bool HasNone { get; }

    /// <summary>
    /// Whether an InputChoice choosing k of LayerChoice keys (a DARTS node's edges) has alphas too: PC-DARTS's edge
    /// normalization, β over a node's inputs, softmax-normalized, weighting the edges' outputs in search and multiplying
    /// each edge's best op weight when the export ranks the edges.
    /// </summary>
    public bool EdgeNormalization { get; }

    /// <summary>softmax(alpha) per key: a LayerChoice's includes "none" when <see cref="HasNone"/>; an InputChoice's has one per input.</summary>
    public IReadOnlyDictionary<string, float[]> Weights()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return alphas.ToDictionary(p => p.Key,
            p => Softmax(p.Key, p.Value).to(ScalarType.Float32).cpu().data<float>().ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Per LayerChoice key, the candidates the search still runs, when it runs fewer than all (P-DARTS drops the weakest
    /// between its stages); null when every candidate is searched. The export never chooses one that is not kept.
    /// </summary>
    public virtual IReadOnlyDictionary<string, bool[]>? KeptCandidates => null;

    /// <summary>The softmax of <paramref name="key"/>'s <paramref name="alpha"/>, as <see cref="Weights"/> reports it.</summary>
    private protected virtual Tensor Softmax(string key, Tensor alpha) => nn.functional.softmax(alpha, 0);

    /// <summary>The architecture by NNI v1.9's DARTS export rules (see the remarks of <see cref="DifferentiableMutator"/>).</summary>
    public override Architecture Export() => Describe(ExportMasks(Weights(), excluded: null));

    /// <summary>The architecture described by one mask per key.</summary>
    internal Architecture Describe(IReadOnlyDictionary<string, bool[]> masks)
    {
        using var scope = NewDisposeScope();
        return ArchitectureResolver.Describe(SearchSpace, d => tensor(masks[d.Key]));
    }

    /// <summary>
    /// The export's masks by the DARTS rules from <paramref name="weights"/> (<see cref="Weights"/>), with the
    /// candidates in <paramref name="excluded"/> (per LayerChoice key) never chosen (the collapse guard's replacements).
    /// </summary>
    internal Dictionary<string, bool[]> ExportMasks(IReadOnlyDictionary<string, float[]> weights, IReadOnlyDictionary<string, HashSet<int>>? excluded)
    {
        var best = new Dictionary<string, (int Index, float Weight)>(StringComparer.Ordinal);
        foreach (var decision in Decisions.Where(d => d.Kind == MutableKind.LayerChoice))
        {
            var w = weights[decision.Key];
            var skipped = excluded?.GetValueOrDefault(decision.Key);
            var kept = KeptCandidates?.GetValueOrDefault(decision.Key);
            int argmax = -1;
            for (int i = 0; i < decision.CandidateCount; i++)
            {
                if (skipped?.Contains(i) != true && kept?[i] != false && (argmax < 0 || w[i] > w[argmax]))
                {
                    argmax = i;
                }
            }
            if (argmax < 0)
            {
                throw new InvalidOperationException($"Every candidate of '{decision.Key}' is excluded from the export.");
            }
            best[decision.Key] = (argmax, w[argmax]);
        }
        var masks = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        foreach (var decision in Decisions.Where(d => d.Kind == MutableKind.LayerChoice))
        {
            masks[decision.Key] = OneHot(decision.CandidateCount, best[decision.Key].Index);
        }
        foreach (var decision in Decisions.Where(d => d.Kind == MutableKind.InputChoice))
        {
            masks[decision.Key] = HasOwnAlphas(decision) ? Strongest(weights[decision.Key], decision.NChosen!.Value)
                : ChooseInputs(decision, best, masks, alphas.ContainsKey(decision.Key) ? weights[decision.Key] : null);
        }
        return masks;
    }

    /// <summary>
    /// An InputChoice without alphas of its own takes all its inputs in search: a sum of the present ones (NNI sums a
    /// DARTS node's edges), or the choice's own reduction of all of them.
    /// </summary>
    private protected ChoiceOutput ForwardAllInputs(InputChoice choice, IReadOnlyList<Tensor?> inputs)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(inputs);
        if (choice.Reduction != Reduction.Sum)
        {
            return choice.Run(inputs, ones(choice.CandidateCount, dtype: ScalarType.Bool));
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

    /// <summary>Whether <paramref name="key"/> has alphas (every LayerChoice; an InputChoice ranked by its own).</summary>
    private protected bool HasAlphas(string key) => alphas.ContainsKey(key);

    /// <summary>A single output as a choice's result (the reductions of one tensor are the tensor).</summary>
    private protected static ChoiceOutput Single(Tensor? output) => new(output, output is null ? [] : [output], null);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var alpha in alphas.Values)
            {
                alpha.Dispose();
            }
            alphas.Clear();
        }
        base.Dispose(disposing);
    }

    // NNI ranks a cell's inputs by their edges' ops; inputs that are not edges have nothing to be ranked by but alphas of
    // their own. Any subset keeps NNI's rule (every input): it needs no ranking.
    private bool HasOwnAlphas(DecisionInfo decision) => decision.Kind == MutableKind.InputChoice && decision.NChosen is not null && !ChoosesEdges(decision);

    private bool IsNormalizedEdges(DecisionInfo decision) => EdgeNormalization && decision.Kind == MutableKind.InputChoice && decision.NChosen is not null && ChoosesEdges(decision);

    private bool ChoosesEdges(DecisionInfo decision) => decision.ChooseFrom.All(key => SearchSpace.Contains(key) && SearchSpace[key].Kind == MutableKind.LayerChoice);

    private static bool[] Strongest(float[] weights, int count)
    {
        var kept = Enumerable.Range(0, weights.Length).OrderByDescending(i => weights[i]).ThenBy(i => i).Take(count).ToHashSet();
        return Enumerable.Range(0, weights.Length).Select(kept.Contains).ToArray();
    }

    // A node's edges by their best op's weight, times the edge's β weight under edge normalization (PC-DARTS).
    private static bool[] ChooseInputs(DecisionInfo decision, Dictionary<string, (int Index, float Weight)> best, Dictionary<string, bool[]> masks, float[]? edgeWeights)
    {
        int count = decision.CandidateCount;
        if (decision.NChosen is not { } k)
        {
            return Enumerable.Repeat(true, count).ToArray();
        }
        var sources = decision.ChooseFrom;
        var kept = Enumerable.Range(0, count).OrderByDescending(i => best[sources[i]].Weight * (edgeWeights?[i] ?? 1)).ThenBy(i => i).Take(k).ToHashSet();
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
