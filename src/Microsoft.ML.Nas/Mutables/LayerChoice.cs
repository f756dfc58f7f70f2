using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// Chooses among candidate modules that map a tensor to a tensor (NNI's <c>LayerChoice</c>). In search, the bound
/// mutator supplies a mask per forward; after <c>FixedArchitecture</c> only
/// the chosen candidates remain.
/// </summary>
/// <remarks>
/// Candidates are registered as children named by their names (<c>"0"</c>..<c>"n-1"</c> for a list), so their
/// parameters are <c>&lt;path&gt;.&lt;name&gt;.&lt;parameter&gt;</c>. When exactly one candidate is chosen, the choice
/// stands in for it: its parameters, buffers, children and state dict are the candidate's, without the candidate level
/// (<c>&lt;path&gt;.&lt;parameter&gt;</c>), as if the candidate had replaced it in its parent. The choice object itself
/// stays where it is, so a parent's field, a Sequential or a ModuleList holding it keeps working unchanged.
/// </remarks>
public class LayerChoice : Mutable<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> candidates = [];
    private readonly string[] names;
    private Selection? fixedSelection;
    private float[]? fixedWeights;

    /// <summary>A choice among candidates named <c>"0"</c>..<c>"n-1"</c> in list order.</summary>
    /// <param name="candidates">The candidates, in order.</param>
    /// <param name="reduction">How several selected outputs combine (NNI's default: sum).</param>
    /// <param name="returnMask">Whether <see cref="Choose"/> also returns the decision mask.</param>
    /// <param name="key">The decision key; null for an automatic one (<c>LayerChoice1</c>, ...).</param>
    public LayerChoice(IEnumerable<nn.Module<Tensor, Tensor>> candidates, Reduction reduction = Reduction.Sum, bool returnMask = false, string? key = null)
        : this(Named(candidates), reduction, returnMask, key)
    {
    }

    /// <summary>A choice among named candidates, in the map's enumeration order.</summary>
    /// <param name="candidates">Ordered name → module pairs; names are unique, non-empty and contain no '.'.</param>
    /// <param name="reduction">How several selected outputs combine (NNI's default: sum).</param>
    /// <param name="returnMask">Whether <see cref="Choose"/> also returns the decision mask.</param>
    /// <param name="key">The decision key; null for an automatic one (<c>LayerChoice1</c>, ...).</param>
    public LayerChoice(IEnumerable<KeyValuePair<string, nn.Module<Tensor, Tensor>>> candidates, Reduction reduction = Reduction.Sum, bool returnMask = false, string? key = null)
        : base(key, nameof(LayerChoice))
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var pairs = candidates.ToList();
        if (pairs.Count == 0)
        {
            throw new ArgumentException($"LayerChoice{Describe(key)} needs at least one candidate.", nameof(candidates));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, module) in pairs)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('.', StringComparison.Ordinal))
            {
                throw new ArgumentException($"LayerChoice{Describe(key)}: candidate name '{name}' must be non-empty and contain no '.'.", nameof(candidates));
            }
            if (!seen.Add(name))
            {
                throw new ArgumentException($"LayerChoice{Describe(key)}: candidate name '{name}' appears twice.", nameof(candidates));
            }
            ArgumentNullException.ThrowIfNull(module, nameof(candidates));
            register_module(name, module);
            this.candidates.Add(module);
        }
        names = pairs.Select(p => p.Key).ToArray();
        Reduction = reduction;
        ReturnMask = returnMask;
    }

    /// <inheritdoc/>
    public override MutableKind Kind => MutableKind.LayerChoice;

    /// <summary>The candidate names of the search space, in order (all of them, also after pruning).</summary>
    public IReadOnlyList<string> CandidateNames => names;

    /// <summary>The number of candidates in the search space (also after pruning).</summary>
    public int CandidateCount => names.Length;

    /// <summary>The candidates still held: all of them in search, the chosen ones after pruning.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Candidates => candidates;

    /// <summary>How several selected outputs combine.</summary>
    public Reduction Reduction { get; }

    /// <summary>Whether <see cref="Choose"/> returns the decision mask too.</summary>
    public bool ReturnMask { get; }

    /// <inheritdoc/>
    public override bool IsFixed => fixedSelection is not null;

    /// <summary>Runs the selected candidates under the current decision and returns everything they produced.</summary>
    public ChoiceOutput Choose(Tensor input)
    {
        if (fixedSelection is { } selection)
        {
            return MaskedSelection.RunFixed(i => candidates[i].call(input), candidates.Count, fixedWeights, Reduction,
                ReturnMask ? selection.ToTensor : null);
        }
        return Core.RequireMutator(nameof(LayerChoice)).ForwardLayerChoice(this, input);
    }

    /// <summary>Runs the candidates that <paramref name="mask"/> selects (bool) or weights (float, length = candidates).</summary>
    /// <remarks>What a mutator calls from the mutator's <c>OnForwardLayerChoice</c>; not for a pruned choice.</remarks>
    public ChoiceOutput Run(Tensor input, Tensor mask)
    {
        if (IsFixed)
        {
            throw new InvalidOperationException($"LayerChoice '{Key}' is fixed by an architecture and no longer takes masks.");
        }
        return MaskedSelection.Run(i => candidates[i].call(input), mask, candidates.Count, Reduction, ReturnMask, nameof(LayerChoice), Key);
    }

    /// <summary>The reduced output of the selected candidates.</summary>
    /// <exception cref="InvalidOperationException">
    /// Nothing was selected, or the reduction is <see cref="Reduction.None"/>: use <see cref="Choose"/> to handle those.
    /// </exception>
    public override Tensor forward(Tensor input)
    {
        var result = Choose(input);
        if (Reduction == Reduction.None)
        {
            throw new InvalidOperationException($"LayerChoice '{Key}' has reduction None, which returns a list: call Choose(input) and read Outputs.");
        }
        return result.Output ?? throw new InvalidOperationException(
            $"LayerChoice '{Key}' selected no candidate, so it has no output: call Choose(input) and check HasOutput to handle an empty choice.");
    }

    /// <summary>The fixed weights of the kept candidates (a weighting decision), or null when they are only selected or not fixed.</summary>
    internal IReadOnlyList<float>? FixedWeights => fixedWeights;

    /// <summary>Fixes the decision: unchosen candidates are unregistered and disposed.</summary>
    internal void Fix(Selection selection)
    {
        var chosen = selection.Chosen;
        for (int i = 0; i < names.Length; i++)
        {
            if (!chosen.Contains(i))
            {
                register_module(names[i], null!);
                candidates[i].Dispose();
            }
        }
        var kept = chosen.Select(i => candidates[i]).ToList();
        candidates.Clear();
        candidates.AddRange(kept);
        fixedWeights = selection.Weighted ? chosen.Select(i => selection.Values[i]).ToArray() : null;
        fixedSelection = selection;
        Core.Mutator = null;
    }

    /// <summary>
    /// Replaces each candidate that <paramref name="keep"/> marks false by a placeholder that holds no weights and
    /// refuses to run (<see cref="DroppedCandidate"/>), and disposes it: P-DARTS's dropped ops, gone from the
    /// supernet's parameters and memory. The choice keeps its candidates' names and positions and stays searchable.
    /// </summary>
    internal void DropCandidates(IReadOnlyList<bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (keep.Count != names.Length || IsFixed)
        {
            throw new ArgumentException($"LayerChoice '{Key}' has {names.Length} searchable candidates; got a mask of {keep.Count}.", nameof(keep));
        }
        for (int i = 0; i < names.Length; i++)
        {
            if (!keep[i] && candidates[i] is not DroppedCandidate)
            {
                register_module(names[i], null!);
                candidates[i].Dispose();
                var placeholder = new DroppedCandidate(Key, names[i]);
                register_module(names[i], placeholder);
                candidates[i] = placeholder;
            }
        }
    }

    /// <summary>The one candidate this choice stands in for, when exactly one was kept by a fixed architecture.</summary>
    private nn.Module<Tensor, Tensor>? Alias => fixedSelection is not null && candidates.Count == 1 ? candidates[0] : null;

    /// <inheritdoc/>
    public override IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
        => Alias?.named_parameters(recurse) ?? base.named_parameters(recurse);

    /// <inheritdoc/>
    public override IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true, bool include_nonpersistent = true)
        => Alias?.named_buffers(recurse, include_nonpersistent) ?? base.named_buffers(recurse, include_nonpersistent);

    /// <inheritdoc/>
    public override IEnumerable<(string name, nn.Module module)> named_children()
        => Alias?.named_children() ?? base.named_children();

    /// <inheritdoc/>
    public override IEnumerable<(string name, nn.Module module)> named_modules()
        => Alias?.named_modules() ?? base.named_modules();

    /// <inheritdoc/>
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
        => Alias?.state_dict(destination, prefix) ?? base.state_dict(destination, prefix);

    /// <inheritdoc/>
    public override bool has_parameter(string target) => Alias?.has_parameter(target) ?? base.has_parameter(target);

    /// <inheritdoc/>
    public override bool has_buffer(string target) => Alias?.has_buffer(target) ?? base.has_buffer(target);

    /// <inheritdoc/>
    public override Parameter? get_parameter(string target) => Alias is { } alias ? alias.get_parameter(target) : base.get_parameter(target);

    /// <inheritdoc/>
    public override Tensor? get_buffer(string target) => Alias is { } alias ? alias.get_buffer(target) : base.get_buffer(target);

    /// <inheritdoc/>
    public override void train(bool on = true)
    {
        base.train(on);
        // The base only reaches children (the candidate's, when standing in for it); the candidate's own flag matters too.
        Alias?.train(on);
    }

    /// <inheritdoc/>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        if (Alias is not { } alias)
        {
            base._toEpilog(dtype, device, non_blocking);
            return;
        }
        // The base would move the candidate's children and re-register its parameters on this module: move the
        // candidate itself instead.
        if (device is null)
        {
            alias.to(dtype!.Value, non_blocking);
        }
        else
        {
            if (dtype is null)
            {
                alias.to(device, non_blocking);
            }
            else
            {
                alias.to(device, dtype.Value, non_blocking);
            }
            _deviceType = device.type;
            _deviceIndex = device.index;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Alias is { } alias)
        {
            fixedSelection = null;
            alias.Dispose();
        }
        base.Dispose(disposing);
    }

    private static IEnumerable<KeyValuePair<string, nn.Module<Tensor, Tensor>>> Named(IEnumerable<nn.Module<Tensor, Tensor>> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return candidates.Select((module, i) => KeyValuePair.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture), module));
    }

    private static string Describe(string? key) => key is null ? string.Empty : $" '{key}'";
}
