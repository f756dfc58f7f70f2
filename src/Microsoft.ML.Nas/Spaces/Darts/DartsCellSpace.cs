using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Darts;

/// <summary>The "darts-cells" kind of <see cref="SearchSpaceSpec"/>: its parameter names and its factory.</summary>
public static class DartsCellSpace
{
    /// <summary>The kind name.</summary>
    public const string Kind = "darts-cells";

    /// <summary>Builds a <see cref="DartsNetwork"/> for <paramref name="spec"/> and image data described by <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentException">The data are not images [C, H, W] with H = W.</exception>
    public static nn.Module<Tensor, Tensor> Build(SearchSpaceSpec spec, SpaceContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsImage)
        {
            throw new ArgumentException(
                $"The '{Kind}' space needs images [C, H, W], but the samples have shape [{string.Join(", ", context.SampleShape)}]: give an image shape.",
                nameof(context));
        }
        var (channels, height, width) = context.ImageShape;
        if (height != width)
        {
            throw new ArgumentException($"The '{Kind}' space needs square images; got {height}×{width}.", nameof(context));
        }
        return new DartsNetwork(channels, height, spec.GetInt32("channels"), context.ClassCount, spec.GetInt32("layers"),
            spec.GetInt32("nodes", 4), spec.GetInt32("stemMultiplier", 3), spec.GetBoolean("auxiliary", false), spec.GetBoolean("affine", false));
    }
}
