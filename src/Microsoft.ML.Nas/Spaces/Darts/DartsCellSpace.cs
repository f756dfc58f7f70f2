using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Darts;

/// <summary>The <c>darts-cells</c> space (<see cref="SearchSpaces.DartsCells"/>): a <see cref="DartsNetwork"/> of searched cells.</summary>
internal sealed class DartsCellSpace : BuiltInSpace
{
    public const int DefaultNodes = 4;
    public const int DefaultStemMultiplier = 3;

    public override string Kind => SearchSpaces.DartsCellsKind;

    protected override IReadOnlyList<string> ParameterNames { get; } = ["channels", "layers", "nodes", "stemMultiplier", "auxiliary", "affine"];

    protected override nn.Module<Tensor, Tensor> Create(SearchSpaceSpec spec, SpaceContext context)
    {
        var (channels, height, width) = RequireImages(context);
        if (height != width)
        {
            throw new ArgumentException($"The '{Kind}' space needs square images; got {height}×{width}.", nameof(context));
        }
        return new DartsNetwork(channels, height, spec.GetInt32("channels"), context.ClassCount, spec.GetInt32("layers"),
            spec.GetInt32("nodes", DefaultNodes), spec.GetInt32("stemMultiplier", DefaultStemMultiplier), spec.GetBoolean("auxiliary", false),
            spec.GetBoolean("affine", false));
    }
}
