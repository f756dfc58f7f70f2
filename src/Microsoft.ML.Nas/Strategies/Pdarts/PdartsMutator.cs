using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Pdarts;

/// <summary>
/// The mutator of one P-DARTS stage (NNI v1.9's <c>PdartsMutator</c>): DARTS's continuous relaxation over the candidates
/// each LayerChoice still keeps (<see cref="KeptCandidates"/>), with fresh alphas. The alpha vector of a key keeps one
/// entry per candidate of the space (then "none"), so weights and exports speak of the space's own candidate indices;
/// a dropped candidate's entry is masked out of the softmax (its weight is 0) and its op never runs. In training, the
/// output of every skip connection (an <see cref="Spaces.Ops.Identity"/> candidate) goes through dropout at
/// <see cref="SkipDropout"/> (the paper's search regularization). InputChoices are treated as by <c>DartsMutator</c>.
/// </summary>
/// <remarks>
/// The mixing weights are computed once per <see cref="Reset"/> in the caller's dispose scope; call it before each
/// forward. Export: DARTS's rules over the kept candidates (see <see cref="DifferentiableMutator"/>).
/// </remarks>
public sealed class PdartsMutator : DifferentiableMutator
{
    private readonly Dictionary<string, bool[]> kept = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> dropped = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor[]> mixing = new(StringComparer.Ordinal);
    private double skipDropout;

    /// <summary>
    /// Binds to <paramref name="model"/> with every candidate kept, and creates its alphas (1e-3·N(0,1), torch's
    /// generator) beside its parameters.
    /// </summary>
    /// <exception cref="ArgumentException">As <c>DartsMutator</c>'s constructor.</exception>
    public PdartsMutator(nn.Module model) : this(model, null)
    {
    }

    /// <summary>
    /// Binds to <paramref name="model"/> searching, per LayerChoice key, the candidates <paramref name="keptCandidates"/>
    /// marks (a key it does not name keeps all), and creates fresh alphas.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// As <c>DartsMutator</c>'s constructor; or a mask names no LayerChoice of the model, has the wrong length, or keeps no candidate.
    /// </exception>
    public PdartsMutator(nn.Module model, IReadOnlyDictionary<string, bool[]>? keptCandidates) : base(model, hasNone: true)
    {
        foreach (var (key, mask) in keptCandidates ?? new Dictionary<string, bool[]>())
        {
            if (!SearchSpace.Contains(key) || SearchSpace[key].Kind != MutableKind.LayerChoice)
            {
                throw new ArgumentException($"The kept candidates name '{key}', which is no LayerChoice of the model.", nameof(keptCandidates));
            }
            ArgumentNullException.ThrowIfNull(mask, nameof(keptCandidates));
            if (mask.Length != SearchSpace[key].CandidateCount || !mask.Contains(true))
            {
                throw new ArgumentException(
                    $"The kept candidates of '{key}' must mark {SearchSpace[key].CandidateCount} candidates and keep at least one; got [{string.Join(", ", mask)}].",
                    nameof(keptCandidates));
            }
        }
        foreach (var decision in Decisions.Where(d => d.Kind == MutableKind.LayerChoice))
        {
            var mask = keptCandidates?.GetValueOrDefault(decision.Key) ?? Enumerable.Repeat(true, decision.CandidateCount).ToArray();
            kept[decision.Key] = (bool[])mask.Clone();
            if (mask.Contains(false))
            {
                // The "none" entry is never dropped: it stays the last of the alphas, as in DARTS.
                bool[] masked = [.. mask.Select(k => !k), false];
                dropped[decision.Key] = tensor(masked, device: Alphas[decision.Key].device).DetachFromDisposeScope();
            }
        }
    }

    /// <summary>Per LayerChoice key, the candidates this stage searches (the space's indices; true = kept).</summary>
    public override IReadOnlyDictionary<string, bool[]> KeptCandidates => kept;

    /// <summary>
    /// The dropout rate on skip connections in training: every <see cref="Spaces.Ops.Identity"/> candidate's output is
    /// dropped out at this rate before it is mixed (P-DARTS, arXiv 1904.12760); 0 (default) for none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not in [0, 1).</exception>
    public double SkipDropout
    {
        get => skipDropout;
        set
        {
            OptionCheck.Fraction(value, nameof(SkipDropout));
            skipDropout = value;
        }
    }

    /// <summary>Computes the mixing weights for the next forward(s), in the caller's dispose scope.</summary>
    public override void Reset()
    {
        mixing.Clear();
        foreach (var (key, alpha) in Alphas)
        {
            var weights = Softmax(key, ArchitectureGradients ? alpha : alpha.detach());
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
        var keep = kept[choice.Key];
        var candidates = choice.Candidates;
        Tensor? mixed = null;
        for (int i = 0; i < candidates.Count; i++)
        {
            if (!keep[i])
            {
                continue;
            }
            var output = candidates[i].call(input);
            if (skipDropout > 0 && choice.training && candidates[i] is Spaces.Ops.Identity)
            {
                var thinned = nn.functional.dropout(output, skipDropout, training: true);
                output.Dispose();
                output = thinned;
            }
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

    /// <inheritdoc/>
    protected internal override ChoiceOutput OnForwardInputChoice(InputChoice choice, IReadOnlyList<Tensor?> inputs)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(inputs);
        return HasAlphas(choice.Key) ? MixInputs(Mixing(choice.Key), inputs) : ForwardAllInputs(choice, inputs);
    }

    /// <summary>The softmax over the kept candidates and "none": a dropped candidate's alpha is masked to −∞ (weight 0).</summary>
    private protected override Tensor Softmax(string key, Tensor alpha) =>
        dropped.TryGetValue(key, out var mask) ? nn.functional.softmax(alpha.masked_fill(mask, double.NegativeInfinity), 0) : base.Softmax(key, alpha);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            mixing.Clear();
            foreach (var mask in dropped.Values)
            {
                mask.Dispose();
            }
            dropped.Clear();
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
}
