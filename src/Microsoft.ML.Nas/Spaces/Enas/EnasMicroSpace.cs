using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>The <c>enas-micro</c> space (<see cref="SearchSpaces.EnasMicro"/>): an <see cref="EnasMicroNetwork"/> of searched cells.</summary>
internal sealed class EnasMicroSpace : BuiltInSpace
{
    // NNI's search settings.
    public const int DefaultLayers = 6;
    public const int DefaultNodes = 5;
    public const int DefaultChannels = 20;
    public const double DefaultDropout = 0.1;
    public const bool DefaultAuxiliary = true;

    public override string Kind => SearchSpaces.EnasMicroKind;

    protected override IReadOnlyList<string> ParameterNames { get; } = ["layers", "nodes", "channels", "dropout", "auxiliary"];

    protected override nn.Module<Tensor, Tensor> Create(SearchSpaceSpec spec, SpaceContext context)
    {
        var (inputChannels, _, _) = context.ImageShape;
        int layers = spec.GetInt32("layers", DefaultLayers);
        int nodes = spec.GetInt32("nodes", DefaultNodes);
        int channels = spec.GetInt32("channels", DefaultChannels);
        if (layers < 0 || nodes < 1 || channels < 1)
        {
            throw new ArgumentException(
                $"Search space '{Kind}' needs layers ≥ 0, nodes ≥ 1 and channels ≥ 1; got layers {layers}, nodes {nodes}, channels {channels}.", nameof(spec));
        }
        return new EnasMicroNetwork(layers, nodes, channels, inputChannels, context.ClassCount, Dropout(spec, DefaultDropout),
            spec.GetBoolean("auxiliary", DefaultAuxiliary));
    }

    // The normal cells share their keys (as the two reduction cells do), so more of them keep the architecture's keys;
    // the two reductions stay two and move with L (to L/3 and 2L/3 + 1).
    protected override SearchSpaceSpec Scaled(SearchSpaceSpec spec, double widthMultiplier, int depthMultiplier) => spec
        .With("channels", Widen("channels", spec.GetInt32("channels", DefaultChannels), widthMultiplier))
        .With("layers", checked(spec.GetInt32("layers", DefaultLayers) * depthMultiplier));
}
