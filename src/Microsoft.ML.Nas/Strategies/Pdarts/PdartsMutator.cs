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
/// As <see cref="DartsMutator"/>, call <see cref="Mutators.Mutator.Reset"/> before each forward. Export: DARTS's rules over
/// the kept candidates (see <see cref="DifferentiableMutator"/>).
/// </remarks>
public sealed class PdartsMutator : DartsMutator
{
    private readonly Dictionary<string, bool[]> kept = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> dropped = new(StringComparer.Ordinal);
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
    public PdartsMutator(nn.Module model, IReadOnlyDictionary<string, bool[]>? keptCandidates) : base(model)
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

    /// <summary>A kept candidate's output, through dropout at <see cref="SkipDropout"/> when it is a skip connection in training; null for a dropped one.</summary>
    private protected override Tensor? RunCandidate(LayerChoice choice, int index, Tensor input)
    {
        if (!kept[choice.Key][index])
        {
            return null;
        }
        var output = base.RunCandidate(choice, index, input);
        if (output is null || skipDropout == 0 || !choice.training || choice.Candidates[index] is not Spaces.Ops.Identity)
        {
            return output;
        }
        var thinned = nn.functional.dropout(output, skipDropout, training: true);
        if (!ReferenceEquals(output, input))
        {
            output.Dispose();
        }
        return thinned;
    }

    /// <summary>The softmax over the kept candidates and "none": a dropped candidate's alpha is masked to −∞ (weight 0).</summary>
    private protected override Tensor Softmax(string key, Tensor alpha) =>
        dropped.TryGetValue(key, out var mask) ? nn.functional.softmax(alpha.masked_fill(mask, double.NegativeInfinity), 0) : base.Softmax(key, alpha);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var mask in dropped.Values)
            {
                mask.Dispose();
            }
            dropped.Clear();
        }
        base.Dispose(disposing);
    }
}
