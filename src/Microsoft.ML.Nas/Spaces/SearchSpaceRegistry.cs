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
    private static readonly ConcurrentDictionary<string, SearchSpaceFactory> Custom = new(StringComparer.Ordinal);

    // Built-in kinds are fixed: a registration cannot shadow one, so a saved built-in model always rebuilds the same way.
    private static readonly IReadOnlyDictionary<string, SearchSpaceFactory> BuiltIn = new BuiltInSpace[]
    {
        new DartsCellSpace(), new EnasMacroSpace(), new EnasMicroSpace(), new MlpSpace(),
    }.ToDictionary(space => space.Kind, space => (SearchSpaceFactory)space.Build, StringComparer.Ordinal);

    /// <summary>The kinds that can be built now: built-in ones first, then registered ones.</summary>
    public static IReadOnlyList<string> Kinds => [.. BuiltIn.Keys.Order(StringComparer.Ordinal), .. Custom.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers a custom space under <paramref name="kind"/>; registering the same kind again replaces its factory.</summary>
    /// <exception cref="ArgumentException">The kind is empty or names a built-in space.</exception>
    public static void Register(string kind, SearchSpaceFactory factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(factory);
        if (BuiltIn.ContainsKey(kind))
        {
            throw new ArgumentException($"'{kind}' is a built-in search space and cannot be registered again; choose another name.", nameof(kind));
        }
        Custom[kind] = factory;
    }

    /// <summary>Whether <paramref name="kind"/> can be built.</summary>
    public static bool IsRegistered(string kind) => BuiltIn.ContainsKey(kind) || Custom.ContainsKey(kind);

    /// <summary>Builds a fresh network for <paramref name="spec"/> and the data's <paramref name="context"/>.</summary>
    /// <exception cref="KeyNotFoundException">No factory is registered under the spec's kind; the message lists the known kinds.</exception>
    public static nn.Module<Tensor, Tensor> Build(SearchSpaceSpec spec, SpaceContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        if (!BuiltIn.TryGetValue(spec.Kind, out var factory) && !Custom.TryGetValue(spec.Kind, out factory))
        {
            throw new KeyNotFoundException(
                $"No search space is registered under '{spec.Kind}'. Known kinds: {string.Join(", ", Kinds)}. A custom space must be " +
                $"registered with SearchSpaceRegistry.Register(\"{spec.Kind}\", factory) before a model of it is searched or loaded.");
        }
        return factory(spec, context);
    }
}
