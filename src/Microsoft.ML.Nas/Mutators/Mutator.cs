using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutators;

/// <summary>
/// Decides for the mutables of one model (NNI's <c>Mutator</c>): it walks the model once, binds itself to every
/// mutable, holds one decision (a mask) per key, and drives each choice's forward.
/// </summary>
/// <remarks>
/// <para>A decision is a 1-D mask over a key's candidates: bool runs only the chosen candidates; float runs the ones
/// with non-zero weight and scales each output by its weight.</para>
/// <para>Strategies extend it at these points: <see cref="Reset"/> (sample new decisions), <see cref="MaskFor"/> (the
/// mask at forward time; DARTS computes it from its alphas each forward, differentiably),
/// <see cref="OnForwardLayerChoice"/> / <see cref="OnForwardInputChoice"/> (the whole forward of a choice),
/// <see cref="OnEnterScope"/> / <see cref="OnExitScope"/>, and <see cref="Export"/>.</para>
/// </remarks>
public abstract class Mutator : IChoiceDecider, IDisposable
{
    private readonly Dictionary<string, Tensor> decisions = new(StringComparer.Ordinal);
    private bool disposed;

    /// <summary>Walks <paramref name="model"/> and binds this mutator to its mutables (replacing any earlier mutator).</summary>
    protected Mutator(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchRuntime.EnsureAvailable();
        Model = model;
        SearchSpace = ModelSearchSpace.Of(model);
        foreach (var node in SearchSpace.Nodes)
        {
            ((IMutableInternals)node.Mutable).Core.Mutator = this;
        }
    }

    /// <summary>The model this mutator decides for.</summary>
    public nn.Module Model { get; }

    /// <summary>The model's mutables and decisions, in registration order.</summary>
    public ModelSearchSpace SearchSpace { get; }

    /// <summary>The decisions (one per key), in registration order.</summary>
    public IReadOnlyList<DecisionInfo> Decisions => SearchSpace.Decisions;

    /// <summary>Chooses new decisions (e.g. samples an architecture); called before a forward in search.</summary>
    public abstract void Reset();

    /// <summary>Whether a decision is held for <paramref name="key"/>.</summary>
    public bool HasDecision(string key) => decisions.ContainsKey(key);

    /// <summary>The held mask for <paramref name="key"/>; owned by the mutator (do not dispose it).</summary>
    /// <exception cref="InvalidOperationException">No decision is held for the key yet.</exception>
    public Tensor GetDecision(string key)
    {
        _ = SearchSpace[key];
        return decisions.TryGetValue(key, out var mask) ? mask : throw new InvalidOperationException(
            $"{GetType().Name} holds no decision for '{key}' yet: call Reset() or SetDecision first.");
    }

    /// <summary>Holds a copy of <paramref name="mask"/> as the decision for <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The mask is not bool or float, or its length is not the number of candidates.</exception>
    public void SetDecision(string key, Tensor mask)
    {
        var decision = SearchSpace[key];
        MaskedSelection.Read(mask, decision.CandidateCount, decision.Kind.ToString(), key);
        using var detached = mask.detach();
        var copy = detached.clone().DetachFromDisposeScope();
        if (decisions.Remove(key, out var old))
        {
            old.Dispose();
        }
        decisions[key] = copy;
    }

    /// <summary>Holds every decision of <paramref name="architecture"/> (e.g. to run the supernet as a fixed architecture).</summary>
    /// <exception cref="ArchitectureException">Keys differ from the search space's, or a choice is not valid.</exception>
    public void SetDecisions(Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        foreach (var (key, selection) in ArchitectureResolver.Resolve(architecture, SearchSpace, file: null))
        {
            using var mask = selection.ToTensor();
            SetDecision(key, mask);
        }
    }

    /// <summary>The architecture the current decisions describe, in NNI's format (<see cref="Architecture.ToJson"/>).</summary>
    public virtual Architecture Export()
    {
        using var scope = NewDisposeScope();
        return ArchitectureResolver.Describe(SearchSpace, d => GetDecision(d.Key));
    }

    /// <summary>The mask a choice runs with at forward time: by default the held decision.</summary>
    /// <remarks>
    /// Override to compute masks per forward (DARTS: a softmax of alphas, so gradients flow to them). The returned tensor
    /// is not disposed by the caller: return a held tensor or one in the caller's dispose scope.
    /// </remarks>
    protected internal virtual Tensor MaskFor(DecisionInfo decision) => GetDecision(decision.Key);

    /// <summary>The forward of a LayerChoice in search: by default runs it under <see cref="MaskFor"/>.</summary>
    protected internal virtual ChoiceOutput OnForwardLayerChoice(LayerChoice choice, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.Run(input, MaskFor(SearchSpace[choice.Key]));
    }

    /// <summary>The forward of an InputChoice in search: by default selects under <see cref="MaskFor"/>.</summary>
    protected internal virtual ChoiceOutput OnForwardInputChoice(InputChoice choice, IReadOnlyList<Tensor?> inputs)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.Run(inputs, MaskFor(SearchSpace[choice.Key]));
    }

    /// <summary>Called when a forward enters a mutable scope; does nothing by default.</summary>
    protected internal virtual void OnEnterScope(IMutable scope)
    {
    }

    /// <summary>Called when a forward leaves a mutable scope; does nothing by default.</summary>
    protected internal virtual void OnExitScope(IMutable scope)
    {
    }

    ChoiceOutput IChoiceDecider.ForwardLayerChoice(LayerChoice choice, Tensor input) => OnForwardLayerChoice(choice, input);

    ChoiceOutput IChoiceDecider.ForwardInputChoice(InputChoice choice, IReadOnlyList<Tensor?> inputs) => OnForwardInputChoice(choice, inputs);

    void IChoiceDecider.EnterScope(IMutable scope) => OnEnterScope(scope);

    void IChoiceDecider.ExitScope(IMutable scope) => OnExitScope(scope);

    /// <summary>Unbinds the mutator from its model and frees the held decisions.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what the mutator holds; derived mutators free their own state too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposed || !disposing)
        {
            return;
        }
        disposed = true;
        foreach (var node in SearchSpace.Nodes)
        {
            var core = ((IMutableInternals)node.Mutable).Core;
            if (ReferenceEquals(core.Mutator, this))
            {
                core.Mutator = null;
            }
        }
        foreach (var mask in decisions.Values)
        {
            mask.Dispose();
        }
        decisions.Clear();
    }
}
