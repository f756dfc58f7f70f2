using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>The <c>enas-macro</c> space (<see cref="SearchSpaces.EnasMacro"/>): an <see cref="EnasMacroNetwork"/>.</summary>
internal sealed class EnasMacroSpace : BuiltInSpace
{
    // NNI's search settings.
    public const int DefaultLayers = 12;
    public const int DefaultFilters = 24;
    public const int DefaultGrowth = 1;

    public override string Kind => SearchSpaces.EnasMacroKind;

    /// <summary>The <c>reductions</c> value of the paper's layout (a factorized reduction for each earlier output).</summary>
    public const string PerInputReductions = "per-input";

    /// <summary>The <c>reductions</c> value of NNI's layout (one per reduction point), what a spec without the parameter means.</summary>
    public const string SharedReductions = "shared";

    protected override IReadOnlyList<string> ParameterNames { get; } = ["layers", "filters", "dropout", "growth", "reductions"];

    protected override nn.Module<Tensor, Tensor> Create(SearchSpaceSpec spec, SpaceContext context)
    {
        var (channels, _, _) = context.ImageShape;
        int filters = spec.GetInt32("filters", DefaultFilters);
        if (filters < 2 || filters % 2 != 0)
        {
            throw new ArgumentException($"Parameter 'filters' of search space '{Kind}' must be an even number of at least 2 (the factorized reductions split it in halves); got {filters}.", nameof(spec));
        }
        int layers = spec.GetInt32("layers", DefaultLayers);
        if (layers < 1)
        {
            throw new ArgumentException($"Parameter 'layers' of search space '{Kind}' must be at least 1; got {layers}.", nameof(spec));
        }
        int growth = spec.GetInt32("growth", DefaultGrowth);
        if (growth is < 1 or > 4)
        {
            throw new ArgumentException($"Parameter 'growth' of search space '{Kind}' (what each reduction multiplies the channels by) must lie in 1..4; got {growth}.", nameof(spec));
        }
        // Specs written before the choice existed (saved models among them) have no 'reductions': NNI's layout, theirs.
        string reductions = spec.GetString("reductions", SharedReductions);
        if (reductions is not (PerInputReductions or SharedReductions))
        {
            throw new ArgumentException($"Parameter 'reductions' of search space '{Kind}' must be '{PerInputReductions}' (a factorized reduction for each earlier layer) or '{SharedReductions}' (NNI's one per reduction point); got '{reductions}'.", nameof(spec));
        }
        return new EnasMacroNetwork(layers, filters, channels, context.ClassCount, Dropout(spec, 0), growth, sharedReductions: reductions == SharedReductions);
    }

    // Filters stay even: the factorized reductions split them in halves.
    protected override SearchSpaceSpec Scaled(SearchSpaceSpec spec, double widthMultiplier, int depthMultiplier) => depthMultiplier == 1
        ? spec.With("filters", Widen("filters", spec.GetInt32("filters", DefaultFilters), widthMultiplier, step: 2))
        : throw CannotRepeat(depthMultiplier, "each layer has its own decision");
}
