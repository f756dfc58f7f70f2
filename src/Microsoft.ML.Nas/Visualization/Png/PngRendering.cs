using System.Reflection;

namespace Microsoft.ML.Nas.Visualization.Png;

/// <summary>
/// Finds the PNG rasterizer in the Microsoft.ML.Nas.Rendering assembly when one is first needed. An application that
/// references that package gets PNG output from the same calls as SVG, without a registration call (as Save/Load
/// needs none); one that does not gets a message saying what to add.
/// </summary>
internal static class PngRendering
{
    /// <summary>Twice the SVG's size: sharp on high-density screens and in documents, and still small files.</summary>
    public const float Scale = 2f;

    public const string AssemblyName = "Microsoft.ML.Nas.Rendering";
    private const string TypeName = "Microsoft.ML.Nas.Rendering.SkiaSvgRasterizer";

    private static readonly Lazy<ISvgRasterizer?> Found = new(Find);

    /// <summary>Writes <paramref name="svg"/> as a PNG file.</summary>
    /// <exception cref="NotSupportedException">The rendering assembly is not part of the application.</exception>
    public static void Write(string svg, string path)
    {
        var rasterizer = Found.Value ?? throw new NotSupportedException(
            $"Writing a PNG needs the {AssemblyName} package (SkiaSharp), which this application does not reference. Add it, " +
            "or write .svg (or .dot for Graphviz), which needs nothing more.");
        File.WriteAllBytes(path, rasterizer.ToPng(svg, Scale));
    }

    private static ISvgRasterizer? Find()
    {
        try
        {
            var type = Assembly.Load(new AssemblyName(AssemblyName)).GetType(TypeName, throwOnError: true)!;
            return (ISvgRasterizer)Activator.CreateInstance(type, nonPublic: true)!;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
