using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces;

/// <summary>
/// One built-in search space: the kind its specs carry, the parameters a spec of it may set (each with its default in
/// the subclass), and how its supernet is built. <see cref="SearchSpaceRegistry"/> lists every one of them.
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
        // A misspelt parameter would otherwise be ignored in silence and its default used.
        var unknown = spec.Parameters.Keys.Where(name => !ParameterNames.Contains(name, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Search space '{Kind}' has no parameter {string.Join(", ", unknown.Select(n => $"'{n}'"))}; its parameters are " +
                $"{string.Join(", ", ParameterNames)}.", nameof(spec));
        }
        return Create(spec, context);
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
