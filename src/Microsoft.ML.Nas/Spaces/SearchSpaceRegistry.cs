using System.Collections.Concurrent;
using Microsoft.ML.Nas.Spaces.Mlp;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Spaces.Enas;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces;

/// <summary>Builds a network that holds a search space from its <see cref="SearchSpaceSpec"/>.</summary>
public delegate nn.Module<Tensor, Tensor> SearchSpaceFactory(SearchSpaceSpec spec, SpaceContext context);

/// <summary>
/// The factories behind <see cref="SearchSpaceSpec.Kind"/>: the built-in spaces, and the user's own, registered by name
/// (as ML.NET registers custom mappings). Loading a saved model of a custom space needs the same registration first.
/// </summary>
public static class SearchSpaceRegistry
{
    private static readonly ConcurrentDictionary<string, (SearchSpaceFactory Factory, SearchSpaceScaler? Scaler)> Custom = new(StringComparer.Ordinal);

    // Built-in kinds are fixed: a registration cannot shadow one, so a saved built-in model always rebuilds the same way.
    private static readonly IReadOnlyDictionary<string, BuiltInSpace> BuiltIn = new BuiltInSpace[]
    {
        new DartsCellSpace(), new EnasMacroSpace(), new EnasMicroSpace(), new MlpSpace(),
    }.ToDictionary(space => space.Kind, StringComparer.Ordinal);

    /// <summary>The kinds that can be built now: built-in ones first, then registered ones.</summary>
    public static IReadOnlyList<string> Kinds => [.. BuiltIn.Keys.Order(StringComparer.Ordinal), .. Custom.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers a custom space under <paramref name="kind"/>; registering the same kind again replaces its factory.</summary>
    /// <exception cref="ArgumentException">The kind is empty or names a built-in space.</exception>
    public static void Register(string kind, SearchSpaceFactory factory) => Add(kind, factory, scaler: null);

    /// <summary>
    /// Registers a custom space under <paramref name="kind"/> with the <paramref name="scaler"/> that makes its specs
    /// wider and deeper (<see cref="Scale"/>, for retraining a found architecture larger); registering the same kind
    /// again replaces both.
    /// </summary>
    /// <exception cref="ArgumentException">The kind is empty or names a built-in space.</exception>
    public static void Register(string kind, SearchSpaceFactory factory, SearchSpaceScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(scaler);
        Add(kind, factory, scaler);
    }

    /// <summary>Whether <paramref name="kind"/> can be built.</summary>
    public static bool IsRegistered(string kind) => BuiltIn.ContainsKey(kind) || Custom.ContainsKey(kind);

    /// <summary>Builds a fresh network for <paramref name="spec"/> and the data's <paramref name="context"/>.</summary>
    /// <exception cref="KeyNotFoundException">No factory is registered under the spec's kind; the message lists the known kinds.</exception>
    public static nn.Module<Tensor, Tensor> Build(SearchSpaceSpec spec, SpaceContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        if (BuiltIn.TryGetValue(spec.Kind, out var space))
        {
            return space.Build(spec, context);
        }
        return Registered(spec.Kind).Factory(spec, context);
    }

    /// <summary>
    /// A spec of the same space whose network is <paramref name="widthMultiplier"/> times as wide (channels, filters,
    /// hidden units) and <paramref name="depthMultiplier"/> times as deep (cells that share their decisions), with the
    /// same decision keys: <see cref="Architectures.FixedArchitecture.Build"/> applies an architecture found on
    /// <paramref name="spec"/> to it unchanged. Multipliers of 1 return <paramref name="spec"/> itself.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A multiplier is below 1 (or not a number).</exception>
    /// <exception cref="ArgumentException">
    /// The space cannot be made deeper (enas-macro and mlp: each layer has its own decision), or a custom space was
    /// registered without a <see cref="SearchSpaceScaler"/>; the message names the space.
    /// </exception>
    /// <exception cref="KeyNotFoundException">No space is registered under the spec's kind.</exception>
    public static SearchSpaceSpec Scale(SearchSpaceSpec spec, double widthMultiplier, int depthMultiplier = 1)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(widthMultiplier >= 1 && double.IsFinite(widthMultiplier)))
        {
            throw new ArgumentOutOfRangeException(nameof(widthMultiplier), widthMultiplier, "The width multiplier must be a finite number of at least 1.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(depthMultiplier, 1);
        if (widthMultiplier == 1 && depthMultiplier == 1)
        {
            return spec;
        }
        if (BuiltIn.TryGetValue(spec.Kind, out var space))
        {
            return space.Scale(spec, widthMultiplier, depthMultiplier);
        }
        var scaler = Registered(spec.Kind).Scaler ?? throw new ArgumentException(
            $"Search space '{spec.Kind}' was registered without a scaler, so it cannot be made wider or deeper (width multiplier {widthMultiplier}, " +
            $"depth multiplier {depthMultiplier}): register it with SearchSpaceRegistry.Register(\"{spec.Kind}\", factory, scaler), or keep both multipliers at 1.",
            widthMultiplier != 1 ? nameof(widthMultiplier) : nameof(depthMultiplier));
        var scaled = scaler(spec, widthMultiplier, depthMultiplier);
        return scaled?.Kind == spec.Kind ? scaled
            : throw new InvalidOperationException($"The scaler of search space '{spec.Kind}' returned {(scaled is null ? "null" : $"a spec of '{scaled.Kind}'")}; it must return a spec of the same kind.");
    }

    private static void Add(string kind, SearchSpaceFactory factory, SearchSpaceScaler? scaler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(factory);
        if (BuiltIn.ContainsKey(kind))
        {
            throw new ArgumentException($"'{kind}' is a built-in search space and cannot be registered again; choose another name.", nameof(kind));
        }
        Custom[kind] = (factory, scaler);
    }

    private static (SearchSpaceFactory Factory, SearchSpaceScaler? Scaler) Registered(string kind) =>
        Custom.TryGetValue(kind, out var registered) ? registered
        : throw new KeyNotFoundException(
            $"No search space is registered under '{kind}'. Known kinds: {string.Join(", ", Kinds)}. A custom space must be " +
            $"registered with SearchSpaceRegistry.Register(\"{kind}\", factory) before a model of it is searched or loaded.");
}
