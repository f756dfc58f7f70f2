using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Darts;

/// <summary>
/// The <c>darts-cells</c> space (<see cref="SearchSpaces.DartsCells"/>): a <see cref="DartsNetwork"/> of searched cells.
/// PC-DARTS builds its search supernet with "partialChannels" K (its strategy's <c>SearchSpace</c>);
/// the found architecture is retrained on the spec without it.
/// </summary>
internal sealed class DartsCellSpace : BuiltInSpace
{
    public const int DefaultNodes = 4;
    public const int DefaultStemMultiplier = 3;

    public override string Kind => SearchSpaces.DartsCellsKind;

    protected override IReadOnlyList<string> ParameterNames { get; } = ["channels", "layers", "nodes", "stemMultiplier", "auxiliary", "affine", "partialChannels"];

    protected override nn.Module<Tensor, Tensor> Create(SearchSpaceSpec spec, SpaceContext context)
    {
        var (channels, height, width) = RequireImages(context);
        bool auxiliary = spec.GetBoolean("auxiliary", false);
        // The cells and the classifier's global pooling take any size; only the auxiliary head is sized for a square.
        if (auxiliary && height != width)
        {
            throw new ArgumentException($"The '{Kind}' space's auxiliary head needs square images; got {height}×{width}. Build it with auxiliary: false.",
                nameof(context));
        }
        return new DartsNetwork(channels, height, spec.GetInt32("channels"), context.ClassCount, spec.GetInt32("layers"),
            spec.GetInt32("nodes", DefaultNodes), spec.GetInt32("stemMultiplier", DefaultStemMultiplier), auxiliary,
            spec.GetBoolean("affine", false), spec.GetInt32("partialChannels", 1));
    }

    // Cells of a type share their keys, so more cells keep the architecture's keys, unless the deeper network gains
    // normal cells that the shallow one lacked (fewer than 3 cells are all reduction cells).
    protected override SearchSpaceSpec Scaled(SearchSpaceSpec spec, double widthMultiplier, int depthMultiplier)
    {
        int layers = spec.GetInt32("layers");
        int deeper = checked(layers * depthMultiplier);
        if (HasNormalCell(deeper) != HasNormalCell(layers))
        {
            throw CannotRepeat(depthMultiplier,
                $"its {layers} cell(s) are all reduction cells, and {deeper} would add normal cells whose decisions the architecture lacks");
        }
        return spec.With("channels", Widen("channels", spec.GetInt32("channels"), widthMultiplier)).With("layers", deeper);
    }

    // DartsNetwork reduces at layers/3 and 2·layers/3: every other cell is a normal cell.
    private static bool HasNormalCell(int layers) => Enumerable.Range(0, layers).Any(i => i != layers / 3 && i != 2 * layers / 3);
}
