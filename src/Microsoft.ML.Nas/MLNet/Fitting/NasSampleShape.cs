using Microsoft.ML.Data;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>The shape of one sample: the ImageShape option, else the vector's own dimensions ([C,H,W], [H,W] or [D]).</summary>
internal static class NasSampleShape
{
    /// <exception cref="ArgumentOutOfRangeException">The image shape does not hold exactly the vector's values.</exception>
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
        return dimensions.Length switch
        {
            3 => [dimensions[0], dimensions[1], dimensions[2]],
            2 => [1, dimensions[0], dimensions[1]],
            _ => [vector.Size],
        };
    }
}
