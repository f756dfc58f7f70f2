namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// A mutable in the tree a walk builds: scopes hold the mutables (and scopes) registered inside them. ENAS reads this
/// tree to know when its controller enters and leaves a scope.
/// </summary>
public sealed class MutableNode
{
    private readonly List<MutableNode> children = [];

    internal MutableNode(IMutable mutable, string path, MutableNode? parent)
    {
        Mutable = mutable;
        Path = path;
        Parent = parent;
    }

    /// <summary>The mutable.</summary>
    public IMutable Mutable { get; }

    /// <summary>Its module path in the model (as in <c>named_modules</c>; "" for the model itself).</summary>
    public string Path { get; }

    /// <summary>The enclosing scope's node, or null at top level.</summary>
    public MutableNode? Parent { get; }

    /// <summary>For a scope, the mutables registered inside it, in registration order; else empty.</summary>
    public IReadOnlyList<MutableNode> Children => children;

    internal void Add(MutableNode child) => children.Add(child);

    /// <inheritdoc/>
    public override string ToString() => $"{Mutable.Kind} '{Mutable.Key}' at '{Path}'";
}
