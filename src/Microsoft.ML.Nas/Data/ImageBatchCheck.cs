using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Data;

/// <summary>The shape check the image augmentations share.</summary>
internal static class ImageBatchCheck
{
    /// <summary>Throws unless <paramref name="images"/> is a batch [N, C, H, W]; <paramref name="augmentation"/> names the caller.</summary>
    public static void Require(Tensor images, string augmentation)
    {
        if (images.dim() != 4)
        {
            throw new ArgumentException($"{augmentation} needs images [N, C, H, W]; got shape [{string.Join(", ", images.shape)}].", nameof(images));
        }
    }
}
