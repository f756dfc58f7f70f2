using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Visualization.Graphs;
using Microsoft.ML.Nas.Visualization.Pictures;
using Microsoft.ML.Nas.Visualization.Png;
using TorchSharp;

namespace Microsoft.ML.Nas.Visualization;

/// <summary>
/// Pictures of an architecture: DARTS cells as DAGs with the op on each kept edge, the ENAS macro layer chain with its
/// skip connections, ENAS micro cells, the MLP's layer list, and for any other space a generic view of its decisions
/// and InputChoice edges. Written as SVG (vector, for the web), PNG, or Graphviz DOT, chosen by the file's extension.
/// </summary>
/// <remarks>
/// SVG and DOT are written by this library alone. PNG needs the <c>Microsoft.ML.Nas.Rendering</c> package (SkiaSharp),
/// found at run time when the application references it; no external program is run.
/// </remarks>
public static class ArchitectureDrawing
{
    /// <summary>Draws <paramref name="architecture"/> of the space <paramref name="spec"/> builds for <paramref name="context"/>.</summary>
    /// <param name="spec">The search space (built-in or registered).</param>
    /// <param name="context">The data's sample shape and class count, as the space was searched with.</param>
    /// <param name="architecture">One decision per key of the space.</param>
    /// <param name="path">The file to write: <c>.svg</c>, <c>.png</c> or <c>.dot</c>/<c>.gv</c>; its folder is created.</param>
    /// <exception cref="ArgumentException">The extension is not one of those, or the spec cannot be built.</exception>
    /// <exception cref="ArchitectureException">The architecture does not fit the space.</exception>
    /// <exception cref="NotSupportedException">A PNG was asked for without the Microsoft.ML.Nas.Rendering package.</exception>
    public static void Draw(SearchSpaceSpec spec, SpaceContext context, Architecture architecture, string path)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        Draw(supernet, architecture, path);
    }

    /// <summary>Draws <paramref name="architecture"/> of <paramref name="network"/>'s search space to <paramref name="path"/>.</summary>
    /// <param name="network">A supernet whose choices are still open (not one already fixed to an architecture).</param>
    /// <param name="architecture">One decision per key of the network's space.</param>
    /// <param name="path">The file to write: <c>.svg</c>, <c>.png</c> or <c>.dot</c>/<c>.gv</c>; its folder is created.</param>
    /// <exception cref="ArgumentException">The extension is not one of those, or the network is already fixed.</exception>
    /// <exception cref="ArchitectureException">The architecture does not fit the network's space.</exception>
    /// <exception cref="NotSupportedException">A PNG was asked for without the Microsoft.ML.Nas.Rendering package.</exception>
    public static void Draw(torch.nn.Module network, Architecture architecture, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".svg" or ".png" or ".dot" or ".gv"))
        {
            throw new ArgumentException($"'{path}': write an architecture picture as .svg, .png or .dot (Graphviz), not '{extension}'.", nameof(path));
        }
        var graph = ArchitecturePictures.Draw(network, architecture);
        CreateFolder(path);
        switch (extension)
        {
            case ".svg":
                File.WriteAllText(path, GraphSvgWriter.Write(graph));
                break;
            case ".png":
                PngRendering.Write(GraphSvgWriter.Write(graph), path);
                break;
            default:
                File.WriteAllText(path, GraphDotWriter.Write(graph));
                break;
        }
    }

    /// <summary>The picture of <paramref name="architecture"/> as SVG text (what a <c>.svg</c> file holds).</summary>
    /// <exception cref="ArgumentException">The network is already fixed to an architecture.</exception>
    /// <exception cref="ArchitectureException">The architecture does not fit the network's space.</exception>
    public static string ToSvg(torch.nn.Module network, Architecture architecture) => GraphSvgWriter.Write(ArchitecturePictures.Draw(network, architecture));

    /// <summary>The picture of <paramref name="architecture"/> in Graphviz's DOT language (what a <c>.dot</c> file holds).</summary>
    /// <exception cref="ArgumentException">The network is already fixed to an architecture.</exception>
    /// <exception cref="ArchitectureException">The architecture does not fit the network's space.</exception>
    public static string ToDot(torch.nn.Module network, Architecture architecture) => GraphDotWriter.Write(ArchitecturePictures.Draw(network, architecture));

    internal static void CreateFolder(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
