using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// Copies a trained supernet's weights into a model being pruned. Pruning a LayerChoice to one candidate removes the
/// candidate level from its paths (<c>op.conv5x5.weight</c> → <c>op.weight</c>); unchosen candidates' entries vanish;
/// every other path is unchanged.
/// </summary>
internal static class WeightInheritance
{
    /// <summary>How pruning treats one LayerChoice: its path, the candidates it keeps, and whether it drops the level.</summary>
    public sealed record Choice(string Path, IReadOnlySet<string> Kept, bool DropsLevel);

    /// <summary>
    /// Pairs each state-dict entry the model will have after pruning with the supernet tensor it inherits. Runs before
    /// pruning, so a supernet that does not match fails while the model is unchanged.
    /// </summary>
    public static List<(string Pruned, Tensor Source)> Plan(nn.Module model, nn.Module supernet, IReadOnlyList<Choice> choices)
    {
        var source = supernet.state_dict();
        var plan = new List<(string, Tensor)>();
        foreach (var (key, target) in model.state_dict())
        {
            string? pruned = key;
            foreach (var choice in choices)
            {
                if (!key.StartsWith(choice.Path + ".", StringComparison.Ordinal))
                {
                    continue;
                }
                var rest = key[(choice.Path.Length + 1)..];
                int dot = rest.IndexOf('.', StringComparison.Ordinal);
                var candidate = dot < 0 ? rest : rest[..dot];
                pruned = !choice.Kept.Contains(candidate) ? null
                    : choice.DropsLevel ? $"{choice.Path}.{rest[(dot + 1)..]}"
                    : key;
                break;
            }
            if (pruned is null)
            {
                continue;
            }
            if (!source.TryGetValue(key, out var tensor))
            {
                throw new ArgumentException(
                    $"The supernet to inherit weights from has no '{key}' (for the pruned model's '{pruned}'): is it an unpruned instance of the same model class?",
                    "inheritFrom");
            }
            if (!tensor.shape.SequenceEqual(target.shape))
            {
                throw new ArgumentException(
                    $"The supernet's '{key}' has shape [{string.Join(", ", tensor.shape)}] but the model's has [{string.Join(", ", target.shape)}].", "inheritFrom");
            }
            plan.Add((pruned, tensor));
        }
        return plan;
    }

    /// <summary>Copies the planned tensors into the pruned model.</summary>
    public static void Copy(nn.Module model, List<(string Pruned, Tensor Source)> plan)
    {
        var targets = model.state_dict();
        using var noGrad = no_grad();
        foreach (var (key, source) in plan)
        {
            if (!targets.TryGetValue(key, out var target))
            {
                throw new InvalidOperationException($"After pruning, the model has no '{key}' to inherit into.");
            }
            target.copy_(source);
        }
    }
}
