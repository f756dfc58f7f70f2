using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Spaces.Enas;
using Microsoft.ML.Nas.Spaces.Mlp;
using Microsoft.ML.Nas.Visualization.Graphs;
using TorchSharp;

namespace Microsoft.ML.Nas.Visualization.Pictures;

/// <summary>Chooses the picture for a supernet: its built-in space's own, or the generic one for any other space.</summary>
internal static class ArchitecturePictures
{
    /// <exception cref="ArgumentException">The network has no open decisions (it was already fixed to an architecture).</exception>
    /// <exception cref="ArchitectureException">The architecture does not fit the network's search space.</exception>
    public static ArchitectureGraph Draw(torch.nn.Module network, Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(architecture);
        var space = ModelSearchSpace.Of(network);
        if (space.DecisionCount == 0 && architecture.Count > 0)
        {
            throw new ArgumentException(
                "The network has no open decisions: it is already fixed to an architecture. Draw from a fresh supernet " +
                "(SearchSpaceRegistry.Build(spec, context)), or pass the spec and context instead.", nameof(network));
        }
        var chosen = new ChosenCandidates(space, architecture);
        return network switch
        {
            DartsNetwork => DartsCellPicture.Draw(chosen),
            EnasMacroNetwork macro => EnasMacroPicture.Draw(chosen, macro),
            EnasMicroNetwork => EnasMicroPicture.Draw(chosen),
            MlpNetwork mlp => MlpPicture.Draw(chosen, mlp),
            _ => GenericPicture.Draw(chosen),
        };
    }
}
