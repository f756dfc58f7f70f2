using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Visualization.Pictures;
using TorchSharp;

namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>
/// The trainable values of the architecture a supernet holds, counted without building it: every parameter of the
/// supernet less those of the LayerChoice candidates the architecture did not choose.
/// </summary>
internal static class ChosenParameters
{
    public static long Count(torch.nn.Module supernet, ChosenCandidates chosen)
    {
        long total = supernet.parameters().Sum(p => p.numel());
        foreach (var decision in chosen.Space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice))
        {
            var kept = chosen.Indices(decision.Key).ToHashSet();
            foreach (var layer in decision.Mutables.OfType<LayerChoice>())
            {
                total -= layer.Candidates.Where((_, i) => !kept.Contains(i)).Sum(c => c.parameters().Sum(p => p.numel()));
            }
        }
        return total;
    }
}
