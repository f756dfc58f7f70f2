using Microsoft.ML.Nas.Mutables;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// Runs a supernet under fixed bool masks without a mutator and without pruning it: while bound, every mutable asks
/// this decider, which runs the chosen candidates (as the fixed network would) and lets an observer see each
/// LayerChoice's input first. Binding saves the mutables' own mutator and unbinding puts it back, so a supernet in the
/// middle of a search can be measured and carries on unchanged.
/// </summary>
internal sealed class MaskDecider : IChoiceDecider, IDisposable
{
    private readonly Dictionary<string, Tensor> masks = new(StringComparer.Ordinal);
    private readonly List<(MutableCore Core, IChoiceDecider? Previous)> bound = [];

    public MaskDecider(ModelSearchSpace space, IReadOnlyDictionary<string, bool[]> chosen)
    {
        foreach (var decision in space.Decisions)
        {
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
        return choice.Run(input, masks[choice.Key]);
    }

    ChoiceOutput IChoiceDecider.ForwardInputChoice(InputChoice choice, IReadOnlyList<Tensor?> inputs) => choice.Run(inputs, masks[choice.Key]);

    void IChoiceDecider.EnterScope(IMutable scope)
    {
    }

    void IChoiceDecider.ExitScope(IMutable scope)
    {
    }

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
