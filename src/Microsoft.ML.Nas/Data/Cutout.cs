using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Data;

/// <summary>
/// Cutout (DeVries and Taylor, 2017), as the DARTS paper retrains with: per image, a square of side
/// <c>length</c> centred at a uniformly drawn pixel (clipped at the borders) is zeroed in every channel.
/// </summary>
public static class Cutout
{
    /// <summary>Returns <paramref name="images"/> [N, C, H, W] with one square cut out of each image (torch's generator).</summary>
    /// <exception cref="ArgumentException">The input is not a batch of images.</exception>
    public static Tensor Apply(Tensor images, int length)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (length <= 0)
        {
            return images;
        }
        ImageBatchCheck.Require(images, "Cutout");
        long n = images.size(0), height = images.size(2), width = images.size(3);
        var device = images.device;
        // Centres come from the CPU generator on every device (as in RandomShift): the same cutouts on the CPU and on CUDA.
        var centreY = randint(0, height, [n, 1]).to(device);
        var centreX = randint(0, width, [n, 1]).to(device);
        var rows = arange(height, device: device).unsqueeze(0);
        var columns = arange(width, device: device).unsqueeze(0);
        long half = length / 2;
        var inRows = rows.ge(centreY - half).logical_and(rows.lt(centreY + length - half));
        var inColumns = columns.ge(centreX - half).logical_and(columns.lt(centreX + length - half));
        var cut = inRows.unsqueeze(2).logical_and(inColumns.unsqueeze(1)).unsqueeze(1);
        return images.masked_fill(cut, 0);
    }
}
