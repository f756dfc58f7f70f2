using TorchSharp;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>The depth-first walk behind <see cref="ModelSearchSpace.Of"/> and the checks that need walk order.</summary>
internal static class MutableWalker
{
    public static (List<MutableNode> Roots, List<MutableNode> Nodes) Walk(torch.nn.Module model)
    {
        var roots = new List<MutableNode>();
        var nodes = new List<MutableNode>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Visit(model, "", null, null, roots, nodes, seen);
        return (roots, nodes);
    }

    /// <summary>A non-empty <c>chooseFrom</c> entry must name a mutable or scope that comes earlier in the walk.</summary>
    public static void CheckChooseFrom(IReadOnlyList<MutableNode> nodes)
    {
        var earlier = new List<string>();
        foreach (var node in nodes)
        {
            if (node.Mutable is InputChoice input)
            {
                foreach (var key in input.ChooseFrom.Where(k => k.Length > 0))
                {
                    if (!earlier.Contains(key, StringComparer.Ordinal))
                    {
                        throw new InvalidOperationException(
                            $"InputChoice '{input.Key}' at '{node.Path}' chooses from '{key}', which names no mutable or scope registered before it " +
                            $"(earlier keys: {(earlier.Count == 0 ? "none" : string.Join(", ", earlier.Distinct()))}).");
                    }
                }
            }
            earlier.Add(node.Mutable.Key);
        }
    }

    private static void Visit(torch.nn.Module module, string path, MutableNode? scope, MutableNode? enclosingChoice,
        List<MutableNode> roots, List<MutableNode> nodes, HashSet<object> seen)
    {
        var here = scope;
        var choice = enclosingChoice;
        if (module is IMutable mutable && !mutable.IsFixed)
        {
            if (!seen.Add(module))
            {
                return; // One mutable registered at two paths is one mutable.
            }
            if (enclosingChoice is not null)
            {
                throw new InvalidOperationException(
                    $"Cannot have nested search space: the {mutable.Kind} {Describe(mutable)} at '{path}' is inside a candidate of " +
                    $"LayerChoice {Describe(enclosingChoice.Mutable)} at '{enclosingChoice.Path}'.");
            }
            var node = new MutableNode(mutable, path, scope);
            if (scope is null)
            {
                roots.Add(node);
            }
            else
            {
                scope.Add(node);
            }
            nodes.Add(node);
            if (mutable.Kind == MutableKind.Scope)
            {
                here = node;
            }
            else if (mutable.Kind == MutableKind.LayerChoice)
            {
                choice = node;
            }
        }
        else if (module is IMutable)
        {
            return; // A fixed choice holds no decision; its kept candidates hold no mutables.
        }
        foreach (var (name, child) in module.named_children())
        {
            Visit(child, path.Length == 0 ? name : $"{path}.{name}", here, choice, roots, nodes, seen);
        }
    }

    // Keys may not be given yet during the walk (they are numbered after it), so describe by what is known.
    private static string Describe(IMutable mutable) => mutable.HasExplicitKey ? $"'{mutable.Key}'" : $"(automatic key) {mutable}";
}
