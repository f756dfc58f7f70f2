using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// Chooses among input tensors (NNI's <c>InputChoice</c>), e.g. which earlier layers feed a layer. Inputs come as a
/// list in candidate (<see cref="ChooseFrom"/>) order, or as a map from <see cref="ChooseFrom"/> keys to tensors. A null
/// input is "no output" (e.g. from an empty <see cref="LayerChoice"/>) and is skipped even when selected.
/// </summary>
public class InputChoice : Mutable<IReadOnlyList<Tensor?>, Tensor>
{
    private readonly string[] chooseFrom;
    private Selection? fixedSelection;

    /// <summary>A choice among <paramref name="nCandidates"/> anonymous inputs.</summary>
    /// <param name="nCandidates">The number of inputs passed to each forward.</param>
    /// <param name="nChosen">How many inputs are chosen: null for any subset, else exactly k.</param>
    /// <param name="reduction">How several chosen inputs combine (NNI's default: sum).</param>
    /// <param name="returnMask">Whether <see cref="Choose(IReadOnlyList{Tensor})"/> also returns the decision mask.</param>
    /// <param name="key">The decision key; null for an automatic one (<c>InputChoice2</c>, ...).</param>
    public InputChoice(int nCandidates, int? nChosen = null, Reduction reduction = Reduction.Sum, bool returnMask = false, string? key = null)
        : this(Anonymous(nCandidates), nChosen, reduction, returnMask, key)
    {
    }

    /// <summary>A choice among inputs named by the keys of earlier mutables or scopes ("" = an input with no key).</summary>
    /// <param name="chooseFrom">One entry per input, in order; a non-empty entry must name a mutable or scope registered earlier.</param>
    /// <param name="nChosen">How many inputs are chosen: null for any subset, else exactly k.</param>
    /// <param name="reduction">How several chosen inputs combine (NNI's default: sum).</param>
    /// <param name="returnMask">Whether <see cref="Choose(IReadOnlyList{Tensor})"/> also returns the decision mask.</param>
    /// <param name="key">The decision key; null for an automatic one (<c>InputChoice2</c>, ...).</param>
    public InputChoice(IEnumerable<string> chooseFrom, int? nChosen = null, Reduction reduction = Reduction.Sum, bool returnMask = false, string? key = null)
        : base(key, nameof(InputChoice))
    {
        ArgumentNullException.ThrowIfNull(chooseFrom);
        this.chooseFrom = chooseFrom.Select(k => k ?? string.Empty).ToArray();
        if (this.chooseFrom.Length == 0)
        {
            throw new ArgumentException($"InputChoice{(key is null ? "" : $" '{key}'")} needs at least one candidate input.", nameof(chooseFrom));
        }
        if (nChosen is { } k && (k < 1 || k > this.chooseFrom.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(nChosen), nChosen,
                $"InputChoice{(key is null ? "" : $" '{key}'")}: nChosen must be null (any subset) or between 1 and {this.chooseFrom.Length}.");
        }
        NChosen = nChosen;
        Reduction = reduction;
        ReturnMask = returnMask;
    }

    /// <inheritdoc/>
    public override MutableKind Kind => MutableKind.InputChoice;

    /// <summary>The number of candidate inputs.</summary>
    public int CandidateCount => chooseFrom.Length;

    /// <summary>How many inputs are chosen: null for any subset, else exactly that many.</summary>
    public int? NChosen { get; }

    /// <summary>The keys the inputs come from, in order ("" for an input with no key).</summary>
    public IReadOnlyList<string> ChooseFrom => chooseFrom;

    /// <summary>How several chosen inputs combine.</summary>
    public Reduction Reduction { get; }

    /// <summary>Whether <see cref="Choose(IReadOnlyList{Tensor})"/> returns the decision mask too.</summary>
    public bool ReturnMask { get; }

    /// <inheritdoc/>
    public override bool IsFixed => fixedSelection is not null;

    /// <summary>Selects among <paramref name="inputs"/> (in <see cref="ChooseFrom"/> order) under the current decision.</summary>
    public ChoiceOutput Choose(IReadOnlyList<Tensor?> inputs)
    {
        CheckCount(inputs);
        if (fixedSelection is { } selection)
        {
            var chosen = selection.Chosen;
            return MaskedSelection.RunFixed(i => inputs[chosen[i]], chosen.Length,
                selection.Weighted ? chosen.Select(i => selection.Values[i]).ToArray() : null, Reduction,
                ReturnMask ? selection.ToTensor : null);
        }
        return Core.RequireMutator(nameof(InputChoice)).ForwardInputChoice(this, inputs);
    }

    /// <summary>Selects among inputs given by their <see cref="ChooseFrom"/> keys under the current decision.</summary>
    public ChoiceOutput Choose(IReadOnlyDictionary<string, Tensor> inputs) => Choose(InOrder(inputs));

    /// <summary>Selects the inputs that <paramref name="mask"/> selects (bool) or weights (float, length = candidates).</summary>
    /// <remarks>What a mutator calls from the mutator's <c>OnForwardInputChoice</c>; not for a fixed choice.</remarks>
    public ChoiceOutput Run(IReadOnlyList<Tensor?> inputs, Tensor mask)
    {
        CheckCount(inputs);
        if (IsFixed)
        {
            throw new InvalidOperationException($"InputChoice '{Key}' is fixed by an architecture and no longer takes masks.");
        }
        return MaskedSelection.Run(i => inputs[i], mask, chooseFrom.Length, Reduction, ReturnMask, nameof(InputChoice), Key);
    }

    /// <summary>The reduced chosen inputs.</summary>
    /// <exception cref="InvalidOperationException">
    /// Nothing was chosen, or the reduction is <see cref="Reduction.None"/>: use <see cref="Choose(IReadOnlyList{Tensor})"/>.
    /// </exception>
    public override Tensor forward(IReadOnlyList<Tensor?> inputs)
    {
        var result = Choose(inputs);
        if (Reduction == Reduction.None)
        {
            throw new InvalidOperationException($"InputChoice '{Key}' has reduction None, which returns a list: call Choose(inputs) and read Outputs.");
        }
        return result.Output ?? throw new InvalidOperationException(
            $"InputChoice '{Key}' chose no input, so it has no output: call Choose(inputs) and check HasOutput to handle an empty choice.");
    }

    /// <summary>The reduced chosen inputs, given by their <see cref="ChooseFrom"/> keys.</summary>
    public Tensor forward(IReadOnlyDictionary<string, Tensor> inputs) => forward(InOrder(inputs));

    /// <summary>The fixed decision, or null before an architecture fixed it.</summary>
    internal Selection? FixedSelection => fixedSelection;

    /// <summary>Fixes the decision: forward then always selects these inputs.</summary>
    internal void Fix(Selection selection)
    {
        fixedSelection = selection;
        Core.Mutator = null;
    }

    private void CheckCount(IReadOnlyList<Tensor?> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != chooseFrom.Length)
        {
            throw new ArgumentException($"InputChoice '{Key}' chooses among {chooseFrom.Length} inputs, but {inputs.Count} were passed.", nameof(inputs));
        }
    }

    private Tensor?[] InOrder(IReadOnlyDictionary<string, Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (chooseFrom.Any(string.IsNullOrEmpty) || chooseFrom.Distinct(StringComparer.Ordinal).Count() != chooseFrom.Length)
        {
            throw new InvalidOperationException(
                $"InputChoice '{Key}' has empty or repeated chooseFrom keys ({string.Join(", ", chooseFrom.Select(k => $"'{k}'"))}): pass its inputs as a list.");
        }
        var missing = chooseFrom.Where(k => !inputs.ContainsKey(k)).ToList();
        var unexpected = inputs.Keys.Where(k => !chooseFrom.Contains(k, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new ArgumentException(
                $"InputChoice '{Key}' chooses from {string.Join(", ", chooseFrom)}; inputs missing: [{string.Join(", ", missing)}], unexpected: [{string.Join(", ", unexpected)}].",
                nameof(inputs));
        }
        return chooseFrom.Select(k => (Tensor?)inputs[k]).ToArray();
    }

    private static IEnumerable<string> Anonymous(int nCandidates)
    {
        if (nCandidates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nCandidates), nCandidates, "An InputChoice needs at least one candidate input.");
        }
        return Enumerable.Repeat(string.Empty, nCandidates);
    }
}
