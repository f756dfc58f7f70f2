using System.Globalization;
using System.Text;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// The mutables of a model, found by one depth-first walk in registration order: their tree (scopes hold their
/// mutables), their decisions (one per key), and the size of the space.
/// </summary>
/// <remarks>
/// The first walk of a model gives its automatic keys: the mutables without an explicit key are numbered 1, 2, ... in
/// the order they were constructed, one counter shared by LayerChoice and InputChoice (<c>LayerChoice1</c>,
/// <c>InputChoice2</c>, <c>LayerChoice3</c>), as NNI numbers them for the first model of a process. The counter is per
/// model, so two fresh instances of one model class get the same keys. Fixed (pruned) mutables hold no decision and are
/// left out.
/// </remarks>
public sealed class ModelSearchSpace
{
    private readonly Dictionary<string, DecisionInfo> byKey;

    private ModelSearchSpace(IReadOnlyList<MutableNode> roots, IReadOnlyList<MutableNode> nodes, IReadOnlyList<DecisionInfo> decisions)
    {
        Roots = roots;
        Nodes = nodes;
        Decisions = decisions;
        byKey = decisions.ToDictionary(d => d.Key, StringComparer.Ordinal);
    }

    /// <summary>Walks <paramref name="model"/>: gives automatic keys, checks the rules of a search space, lists decisions.</summary>
    /// <exception cref="InvalidOperationException">
    /// A mutable is nested inside a LayerChoice's candidate, a <c>chooseFrom</c> key names no earlier mutable or scope,
    /// or mutables sharing a key disagree on what they choose among.
    /// </exception>
    public static ModelSearchSpace Of(torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchRuntime.EnsureAvailable();
        var (roots, nodes) = MutableWalker.Walk(model);
        AssignKeys(nodes);
        MutableWalker.CheckChooseFrom(nodes);
        return new ModelSearchSpace(roots, nodes, Group(nodes));
    }

    /// <summary>The top-level mutables (scopes contain the rest), in registration order.</summary>
    public IReadOnlyList<MutableNode> Roots { get; }

    /// <summary>Every mutable, scopes included, depth first in registration order (ENAS's sampling order).</summary>
    public IReadOnlyList<MutableNode> Nodes { get; }

    /// <summary>The decisions, one per key, in the order their keys first appear; scopes have none.</summary>
    public IReadOnlyList<DecisionInfo> Decisions { get; }

    /// <summary>The number of decisions.</summary>
    public int DecisionCount => Decisions.Count;

    /// <summary>log10 of the number of architectures in the space (the product of every decision's choices).</summary>
    public double Log10Size => Decisions.Sum(d => d.Log10Choices);

    /// <summary>The decision under <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No decision has that key; the message lists the keys.</exception>
    public DecisionInfo this[string key] => byKey.TryGetValue(key, out var decision) ? decision
        : throw new KeyNotFoundException($"The search space has no decision '{key}'; its keys are: {string.Join(", ", byKey.Keys)}.");

    /// <summary>Whether a decision has <paramref name="key"/>.</summary>
    public bool Contains(string key) => byKey.ContainsKey(key);

    /// <summary>
    /// The share of layer-choice decisions whose chosen candidate (by <paramref name="maskOf"/>) has no parameters
    /// (a pool, an identity, a zero); NaN when the space has no layer choice. A key shared by several choices counts once,
    /// judged by its first.
    /// </summary>
    internal double ParameterFreeShare(Func<string, bool[]> maskOf)
    {
        int layerChoices = 0, parameterFree = 0;
        foreach (var decision in Decisions.Where(d => d.Kind == MutableKind.LayerChoice))
        {
            layerChoices++;
            var candidates = ((LayerChoice)decision.Mutables[0]).Candidates;
            var mask = maskOf(decision.Key);
            int chosen = Array.IndexOf(mask, true);
            if (chosen >= 0 && !candidates[chosen].parameters().Any())
            {
                parameterFree++;
            }
        }
        return layerChoices == 0 ? double.NaN : (double)parameterFree / layerChoices;
    }

    /// <summary>A readable summary: one line per decision (key, kind, candidates) and the size of the space.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{DecisionCount} decisions, about 10^{Log10Size:0.##} architectures");
        foreach (var d in Decisions)
        {
            text.AppendLine();
            string chosen = d.Kind == MutableKind.InputChoice ? $", choose {(d.NChosen is { } k ? k.ToString(CultureInfo.InvariantCulture) : "any")}" : "";
            string shared = d.Mutables.Count > 1 ? $", shared by {d.Mutables.Count}" : "";
            string names = d.CandidateNames.All(string.IsNullOrEmpty) ? "" : $": {string.Join(", ", d.CandidateNames)}";
            text.Append(CultureInfo.InvariantCulture, $"  {d.Key}: {d.Kind} of {d.CandidateCount}{chosen}{shared}{names}");
        }
        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Summary();

    private static void AssignKeys(IReadOnlyList<MutableNode> nodes)
    {
        var automatic = nodes.Select(n => ((IMutableInternals)n.Mutable).Core)
            .Where(c => c.ExplicitKey is null)
            .OrderBy(c => c.Sequence)
            .ToList();
        for (int i = 0; i < automatic.Count; i++)
        {
            automatic[i].AssignedKey ??= automatic[i].ClassName + (i + 1).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static List<DecisionInfo> Group(IReadOnlyList<MutableNode> nodes)
    {
        var decisions = new List<DecisionInfo>();
        var scopeKeys = nodes.Where(n => n.Mutable.Kind == MutableKind.Scope).Select(n => n.Mutable.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var group in nodes.Where(n => n.Mutable.Kind != MutableKind.Scope).GroupBy(n => n.Mutable.Key, StringComparer.Ordinal))
        {
            var members = group.ToList();
            var first = members[0];
            if (scopeKeys.Contains(group.Key))
            {
                throw new InvalidOperationException($"Key '{group.Key}' is used by a MutableScope and by the {first.Mutable.Kind} at '{first.Path}'; a scope's key must be its own.");
            }
            var (names, nChosen, chooseFrom) = Describe(first.Mutable);
            foreach (var other in members.Skip(1))
            {
                var (otherNames, otherChosen, _) = Describe(other.Mutable);
                if (other.Mutable.Kind != first.Mutable.Kind || !otherNames.SequenceEqual(names) || otherChosen != nChosen)
                {
                    throw new InvalidOperationException(
                        $"Mutables sharing key '{group.Key}' must choose among the same candidates, but the {first.Mutable.Kind} at '{first.Path}' has " +
                        $"{Show(names, nChosen)} and the {other.Mutable.Kind} at '{other.Path}' has {Show(otherNames, otherChosen)}.");
                }
            }
            decisions.Add(new DecisionInfo(group.Key, first.Mutable.Kind, names, nChosen, chooseFrom,
                members.Select(m => m.Mutable).ToList(), members.Select(m => m.Path).ToList()));
        }
        return decisions;
    }

    private static (IReadOnlyList<string> Names, int? NChosen, IReadOnlyList<string> ChooseFrom) Describe(IMutable mutable) => mutable switch
    {
        LayerChoice layer => (layer.CandidateNames, null, []),
        InputChoice input => (input.ChooseFrom, input.NChosen, input.ChooseFrom),
        _ => throw new InvalidOperationException($"Unknown mutable {mutable}."),
    };

    private static string Show(IReadOnlyList<string> names, int? nChosen)
        => $"{names.Count} candidates [{string.Join(", ", names)}]{(nChosen is { } k ? $" choosing {k}" : "")}";
}
