namespace Microsoft.ML.Nas.Visualization.Png;

/// <summary>
/// Turns SVG text into a PNG image. The library writes SVG itself; the rasterizer lives in the separate
/// Microsoft.ML.Nas.Rendering assembly (SkiaSharp), so the core library takes no native graphics dependency.
/// </summary>
internal interface ISvgRasterizer
{
    /// <summary>The PNG bytes of <paramref name="svg"/> drawn at <paramref name="scale"/> times its size, on white.</summary>
    byte[] ToPng(string svg, float scale);
}
