using Microsoft.ML.Data;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>The shape of one sample: the ImageShape option, else the vector's own dimensions ([C,H,W], [H,W] or [D]).</summary>
internal static class NasSampleShape
{
    // Dimensions (a, b, c) with c at most this and a above it read as (height, width, colours): interleaved pixels.
    private const int MostInterleavedColors = 4;

    /// <exception cref="ArgumentOutOfRangeException">The image shape does not hold exactly the vector's values.</exception>
    /// <exception cref="ArgumentException">
    /// The vector's dimensions look like interleaved pixels (height, width, colours), as ML.NET's <c>ExtractPixels</c>
    /// gives with <c>interleavePixelColors: true</c>: read as [C,H,W] they would train a network on images a few
    /// pixels wide, so they are refused unless <c>ImageShape</c> says otherwise.
    /// </exception>
    public static long[] Of(VectorDataViewType vector, string column, (int Channels, int Height, int Width)? imageShape)
    {
        if (imageShape is var (c, h, w))
        {
            long size = (long)c * h * w;
            if (size != vector.Size)
            {
                throw new ArgumentOutOfRangeException(nameof(imageShape),
                    $"ImageShape ({c}, {h}, {w}) holds {size} values, but features column '{column}' has vectors of {vector.Size}.");
            }
            return [c, h, w];
        }
        var dimensions = vector.Dimensions;
        if (dimensions.Length == 3 && dimensions[2] <= MostInterleavedColors && dimensions[0] > MostInterleavedColors)
        {
            throw new ArgumentException(
                $"Features column '{column}' has dimensions ({dimensions[0]}, {dimensions[1]}, {dimensions[2]}), which look like " +
                $"interleaved pixels (height, width, colours); NAS reads image vectors as planes (colours, height, width). Extract " +
                $"the pixels planar (ML.NET's ExtractPixels does by default; interleavePixelColors: true interleaves them), or set " +
                $"ImageShape if these dimensions really are ({dimensions[0]} channels, {dimensions[1]} × {dimensions[2]} pixels).", "ImageShape");
        }
        return dimensions.Length switch
        {
            3 => [dimensions[0], dimensions[1], dimensions[2]],
            2 => [1, dimensions[0], dimensions[1]],
            _ => [vector.Size],
        };
    }
}
