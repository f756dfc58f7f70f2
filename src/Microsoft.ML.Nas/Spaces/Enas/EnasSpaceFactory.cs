using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>Builds the ENAS spaces from their <see cref="SearchSpaceSpec"/>s (the built-in kinds <c>enas-macro</c> and <c>enas-micro</c>).</summary>
internal static class EnasSpaceFactory
{
    public const string MacroKind = "enas-macro";
    public const string MicroKind = "enas-micro";

    public static nn.Module<Tensor, Tensor> BuildMacro(SearchSpaceSpec spec, SpaceContext context)
    {
        CheckNames(spec, "layers", "filters", "dropout");
        var (channels, _, _) = context.ImageShape;
        int filters = spec.GetInt32("filters", SearchSpaces.EnasMacroFilters);
        if (filters < 2 || filters % 2 != 0)
        {
            throw new ArgumentException($"Parameter 'filters' of search space '{MacroKind}' must be an even number of at least 2 (the factorized reductions split it in halves); got {filters}.", nameof(spec));
        }
        int layers = spec.GetInt32("layers", SearchSpaces.EnasMacroLayers);
        if (layers < 1)
        {
            throw new ArgumentException($"Parameter 'layers' of search space '{MacroKind}' must be at least 1; got {layers}.", nameof(spec));
        }
        return new EnasMacroNetwork(layers, filters, channels, context.ClassCount, Dropout(spec, 0));
    }

    public static nn.Module<Tensor, Tensor> BuildMicro(SearchSpaceSpec spec, SpaceContext context)
    {
        CheckNames(spec, "layers", "nodes", "channels", "dropout", "auxiliary");
        var (inputChannels, _, _) = context.ImageShape;
        int layers = spec.GetInt32("layers", SearchSpaces.EnasMicroLayers);
        int nodes = spec.GetInt32("nodes", SearchSpaces.EnasMicroNodes);
        int channels = spec.GetInt32("channels", SearchSpaces.EnasMicroChannels);
        if (layers < 0 || nodes < 1 || channels < 1)
        {
            throw new ArgumentException(
                $"Search space '{MicroKind}' needs layers ≥ 0, nodes ≥ 1 and channels ≥ 1; got layers {layers}, nodes {nodes}, channels {channels}.", nameof(spec));
        }
        return new EnasMicroNetwork(layers, nodes, channels, inputChannels, context.ClassCount, Dropout(spec, SearchSpaces.EnasMicroDropout),
            spec.GetBoolean("auxiliary", SearchSpaces.EnasMicroAuxiliary));
    }

    private static double Dropout(SearchSpaceSpec spec, double defaultValue)
    {
        double dropout = spec.GetDouble("dropout", defaultValue);
        return dropout is >= 0 and < 1 ? dropout
            : throw new ArgumentException($"Parameter 'dropout' of search space '{spec.Kind}' must lie in [0, 1); got {dropout}.", nameof(spec));
    }

    // A misspelt parameter would otherwise be ignored in silence and the default used.
    private static void CheckNames(SearchSpaceSpec spec, params string[] known)
    {
        var unknown = spec.Parameters.Keys.Where(name => !known.Contains(name, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Search space '{spec.Kind}' has no parameter {string.Join(", ", unknown.Select(n => $"'{n}'"))}; its parameters are {string.Join(", ", known)}.", nameof(spec));
        }
    }
}
