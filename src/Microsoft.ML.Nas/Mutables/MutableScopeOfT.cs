namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// Marks a block of a search space (an ENAS layer or node) under a key (NNI's <c>MutableScope</c>). It holds no
/// decision and never appears in an exported architecture; mutators see it in the walk's tree
/// (<see cref="ModelSearchSpace.Roots"/>) and are told when a forward enters and leaves it. Derive from it and put the
/// block's computation in <see cref="ForwardScope"/>.
/// </summary>
/// <typeparam name="TInput">The block's input, e.g. a tensor or the list of earlier layers' outputs.</typeparam>
/// <typeparam name="TOutput">The block's output.</typeparam>
public abstract class MutableScope<TInput, TOutput> : Mutable<TInput, TOutput>
{
    /// <summary>A scope under <paramref name="key"/> (a scope's key is always explicit, as in NNI).</summary>
    protected MutableScope(string key)
        : base(key ?? throw new ArgumentNullException(nameof(key), "A MutableScope needs a key."), "MutableScope")
    {
    }

    /// <inheritdoc/>
    public override MutableKind Kind => MutableKind.Scope;

    /// <summary>A scope has no decision to fix; it is never fixed.</summary>
    public override bool IsFixed => false;

    /// <summary>Tells the bound mutator (if any) that the block starts, runs it, and tells it that the block ended.</summary>
    public sealed override TOutput forward(TInput input)
    {
        var mutator = Core.Mutator;
        mutator?.EnterScope(this);
        try
        {
            return ForwardScope(input);
        }
        finally
        {
            mutator?.ExitScope(this);
        }
    }

    /// <summary>The block's computation.</summary>
    protected abstract TOutput ForwardScope(TInput input);
}
