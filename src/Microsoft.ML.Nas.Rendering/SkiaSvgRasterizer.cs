using Microsoft.ML.Nas.Visualization.Png;
using SkiaSharp;
using Svg.Skia;

namespace Microsoft.ML.Nas.Rendering;

/// <summary>
/// Rasterizes the library's SVG with Svg.Skia on SkiaSharp. Created by the library through reflection (see
/// <c>PngRendering</c>), hence no public surface.
/// </summary>
internal sealed class SkiaSvgRasterizer : ISvgRasterizer
{
    /// <inheritdoc/>
    public byte[] ToPng(string svg, float scale)
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        using var document = new SKSvg();
        if (document.FromSvg(svg) is null)
        {
            throw new ArgumentException("The SVG could not be read.", nameof(svg));
        }
        using var output = new MemoryStream();
        if (!document.Save(output, SKColors.White, SKEncodedImageFormat.Png, 100, scale, scale))
        {
            throw new InvalidOperationException("SkiaSharp could not encode the picture as PNG.");
        }
        return output.ToArray();
    }
}
