using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Data;

/// <summary>
/// Random translation, the augmentation that lifts small CNNs on digits to ~99%: each image moves by its own offset,
/// drawn uniformly in [−shift, shift] per axis (torch's generator), and the uncovered border is filled with zeros.
/// </summary>
public static class RandomShift
{
    /// <summary>Returns <paramref name="images"/> [N, C, H, W] with every image shifted by up to <paramref name="shift"/> pixels.</summary>
    /// <exception cref="ArgumentException">The input is not a batch of images.</exception>
    public static Tensor Apply(Tensor images, int shift)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (shift <= 0)
        {
            return images;
        }
        ImageBatchCheck.Require(images, "A random shift");
        long n = images.size(0), channels = images.size(1), height = images.size(2), width = images.size(3);
        var device = images.device;
        // Crop a window of the original size out of the zero-padded batch at a per-image offset: two gathers, no loop.
        var padded = nn.functional.pad(images, [shift, shift, shift, shift]);
        // Offsets come from the CPU generator on every device, so a seed gives the same shifts on the CPU and on CUDA;
        // on CUDA that is one copy of [N, 1] integers per batch.
        var offsetY = randint(0, 2 * shift + 1, [n, 1]).to(device);
        var offsetX = randint(0, 2 * shift + 1, [n, 1]).to(device);
        var rows = (offsetY + arange(height, device: device).unsqueeze(0)).view(n, 1, height, 1).expand(n, channels, height, width + 2 * shift);
        var columns = (offsetX + arange(width, device: device).unsqueeze(0)).view(n, 1, 1, width).expand(n, channels, height, width);
        return padded.gather(2, rows).gather(3, columns);
    }
}
