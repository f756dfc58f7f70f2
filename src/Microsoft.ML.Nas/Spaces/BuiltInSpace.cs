using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces;

/// <summary>
/// One built-in search space: the kind its specs carry, the parameters a spec of it may set (each with its default in
/// the subclass), how its supernet is built, and which parameters are widths and depths when a found architecture is
/// retrained larger (<see cref="Scale"/>). <see cref="SearchSpaceRegistry"/> lists every one of them.
/// </summary>
internal abstract class BuiltInSpace
{
    /// <summary>The kind name, as saved in every model of this space.</summary>
    public abstract string Kind { get; }

    /// <summary>The parameters a spec of this space may set.</summary>
    protected abstract IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Checks the spec's parameter names, then builds a fresh supernet for the data's <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentException">A parameter is unknown or out of range, or the data do not fit the space.</exception>
    public nn.Module<Tensor, Tensor> Build(SearchSpaceSpec spec, SpaceContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        CheckParameterNames(spec);
        return Create(spec, context);
    }

    /// <summary>
    /// A spec of the same space, <paramref name="widthMultiplier"/> times as wide and <paramref name="depthMultiplier"/>
    /// times as deep, whose network has the same decision keys, so the architecture found on <paramref name="spec"/>
    /// applies to it unchanged. The multipliers are at least 1 (checked by <see cref="SearchSpaceRegistry.Scale"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The space cannot be made deeper (or not from this spec); a parameter is unknown.</exception>
    public SearchSpaceSpec Scale(SearchSpaceSpec spec, double widthMultiplier, int depthMultiplier)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckParameterNames(spec);
        return Scaled(spec, widthMultiplier, depthMultiplier);
    }

    /// <summary>Reads the spec's widths and depths (defaults for the missing ones) and writes them scaled.</summary>
    protected abstract SearchSpaceSpec Scaled(SearchSpaceSpec spec, double widthMultiplier, int depthMultiplier);

    /// <summary><paramref name="value"/> × <paramref name="multiplier"/>, rounded to a multiple of <paramref name="step"/>, never below the value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The scaled value does not fit an integer.</exception>
    protected int Widen(string parameter, int value, double multiplier, int step = 1)
    {
        double scaled = Math.Round(value * multiplier / step, MidpointRounding.AwayFromZero) * step;
        return scaled <= int.MaxValue
            ? Math.Max(value, (int)scaled)
            : throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier,
                $"Parameter '{parameter}' of search space '{Kind}' ({value}) times the width multiplier {multiplier} does not fit an integer.");
    }

    /// <summary>The error of a space whose layers each carry their own decision: repeating them would add keys the architecture lacks.</summary>
    protected ArgumentException CannotRepeat(int depthMultiplier, string why) => new(
        $"Search space '{Kind}' cannot repeat its layers (depth multiplier {depthMultiplier}): {why}. Use a depth multiplier of 1 " +
        "(widen it instead), or a space whose cells share their decisions (darts-cells, enas-micro).", "depthMultiplier");

    private void CheckParameterNames(SearchSpaceSpec spec)
    {
        // A misspelt parameter would otherwise be ignored in silence and its default used.
        var unknown = spec.Parameters.Keys.Where(name => !ParameterNames.Contains(name, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Search space '{Kind}' has no parameter {string.Join(", ", unknown.Select(n => $"'{n}'"))}; its parameters are " +
                $"{string.Join(", ", ParameterNames)}.", nameof(spec));
        }
    }

    /// <summary>Reads the spec's parameters (defaults for the missing ones) and builds the supernet.</summary>
    protected abstract nn.Module<Tensor, Tensor> Create(SearchSpaceSpec spec, SpaceContext context);

    /// <summary>The image shape of <paramref name="context"/>, or a clear error when the samples are not images.</summary>
    protected (int Channels, int Height, int Width) RequireImages(SpaceContext context) => context.IsImage
        ? context.ImageShape
        : throw new ArgumentException(
            $"The '{Kind}' space needs images [C, H, W], but the samples have shape [{string.Join(", ", context.SampleShape)}]: give an image shape.",
            nameof(context));

    /// <summary>The spec's dropout rate, checked to lie in [0, 1).</summary>
    protected double Dropout(SearchSpaceSpec spec, double defaultValue)
    {
        double dropout = spec.GetDouble("dropout", defaultValue);
        return dropout is >= 0 and < 1 ? dropout
            : throw new ArgumentException($"Parameter 'dropout' of search space '{Kind}' must lie in [0, 1); got {dropout}.", nameof(spec));
    }
}
