using Microsoft.ML.Nas.Mutables;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// Runs a supernet under fixed bool masks without a mutator and without pruning it: while bound, every mutable asks
/// this decider, which runs the chosen candidates as the fixed network would and lets an observer see each
/// LayerChoice's input first. Binding saves the mutables' own mutator and unbinding puts it back, so a supernet in the
/// middle of a search can be measured and carries on unchanged.
/// </summary>
/// <remarks>
/// The latency table times whole forwards under this decider, so it must cost what the pruned network costs: the
/// choices are kept on the host and run the way a fixed choice runs, with no mask tensor read back per call (that read,
/// a few tensors and a copy per mutable, made batch-1 forwards of small supernets about a fifth slower than their pruned
/// networks, and every prediction with them).
/// </remarks>
internal sealed class MaskDecider : IChoiceDecider, IDisposable
{
    private readonly Dictionary<string, bool[]> chosen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> masks = new(StringComparer.Ordinal);
    private readonly List<(MutableCore Core, IChoiceDecider? Previous)> bound = [];

    public MaskDecider(ModelSearchSpace space, IReadOnlyDictionary<string, bool[]> chosen)
    {
        foreach (var decision in space.Decisions)
        {
            this.chosen[decision.Key] = [.. chosen[decision.Key]];
            masks[decision.Key] = tensor(chosen[decision.Key]).DetachFromDisposeScope();
        }
        foreach (var node in space.Nodes)
        {
            var core = ((IMutableInternals)node.Mutable).Core;
            bound.Add((core, core.Mutator));
            core.Mutator = this;
        }
    }

    /// <summary>Sees each LayerChoice occurrence and its input before the chosen candidates run; null for none.</summary>
    public Action<LayerChoice, Tensor>? BeforeLayerChoice { get; set; }

    /// <summary>
    /// The masks of reference architecture <paramref name="index"/>: legal, deterministic and different from one index
    /// to the next (LayerChoice keys take candidate (index + position) mod count; an InputChoice of k takes k inputs
    /// from a rotating start; one of any subset takes all of them, then every other one, then the last: never none, which
    /// a forward might not expect).
    /// </summary>
    public static Dictionary<string, bool[]> Reference(ModelSearchSpace space, int index)
    {
        var chosen = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        for (int position = 0; position < space.Decisions.Count; position++)
        {
            var decision = space.Decisions[position];
            int n = decision.CandidateCount;
            var mask = new bool[n];
            if (decision.Kind == MutableKind.LayerChoice)
            {
                mask[(index + position) % n] = true;
            }
            else if (decision.NChosen is { } k)
            {
                for (int j = 0; j < Math.Min(k, n); j++)
                {
                    mask[(index + j) % n] = true;
                }
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    mask[j] = (index % 3) switch { 0 => true, 1 => j % 2 == 0, _ => j == n - 1 };
                }
            }
            chosen[decision.Key] = mask;
        }
        return chosen;
    }

    ChoiceOutput IChoiceDecider.ForwardLayerChoice(LayerChoice choice, Tensor input)
    {
        BeforeLayerChoice?.Invoke(choice, input);
        var selected = chosen[choice.Key];
        var candidates = choice.Candidates;
        return MaskedSelection.RunFixed(i => selected[i] ? candidates[i].call(input) : null, candidates.Count, weights: null, choice.Reduction,
            MaskOf(choice.Key, choice.ReturnMask));
    }

    ChoiceOutput IChoiceDecider.ForwardInputChoice(InputChoice choice, IReadOnlyList<Tensor?> inputs)
    {
        var selected = chosen[choice.Key];
        return MaskedSelection.RunFixed(i => selected[i] ? inputs[i] : null, selected.Length, weights: null, choice.Reduction,
            MaskOf(choice.Key, choice.ReturnMask));
    }

    void IChoiceDecider.EnterScope(IMutable scope)
    {
    }

    void IChoiceDecider.ExitScope(IMutable scope)
    {
    }

    private Func<Tensor>? MaskOf(string key, bool returnMask) => returnMask ? masks[key].alias : null;

    public void Dispose()
    {
        foreach (var (core, previous) in bound)
        {
            if (ReferenceEquals(core.Mutator, this))
            {
                core.Mutator = previous;
            }
        }
        bound.Clear();
        foreach (var mask in masks.Values)
        {
            mask.Dispose();
        }
        masks.Clear();
    }
}
