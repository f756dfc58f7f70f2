using Microsoft.ML.Nas.Runtime;
using TorchSharp;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// Base of the mutables: a TorchSharp module with a key. Only <see cref="LayerChoice"/>, <see cref="InputChoice"/> and
/// <see cref="MutableScope{TInput, TOutput}"/> derive from it.
/// </summary>
/// <typeparam name="TInput">The forward input.</typeparam>
/// <typeparam name="TOutput">The forward output.</typeparam>
public abstract class Mutable<TInput, TOutput> : torch.nn.Module<TInput, TOutput>, IMutable, IMutableInternals
{
    private protected Mutable(string? key, string className)
        : base(CheckedName(className))
    {
        // NNI numbers automatic keys by the concrete class name, so a subclass of LayerChoice gets keys of its own.
        var typeName = GetType().Name;
        int tick = typeName.IndexOf('`', StringComparison.Ordinal);
        Core = new MutableCore(key, tick < 0 ? typeName : typeName[..tick]);
    }

    /// <inheritdoc/>
    public string Key => Core.Key;

    /// <inheritdoc/>
    public bool HasExplicitKey => Core.ExplicitKey is not null;

    /// <inheritdoc/>
    public abstract MutableKind Kind { get; }

    /// <inheritdoc/>
    public abstract bool IsFixed { get; }

    MutableCore IMutableInternals.Core => Core;

    private protected MutableCore Core { get; }

    /// <summary>The class name, with the key once it is known.</summary>
    public override string ToString()
    {
        string? key = Core.ExplicitKey ?? Core.AssignedKey;
        return key is null ? Core.ClassName : $"{Core.ClassName}({key})";
    }

    // Runs before TorchSharp is touched by the Module constructor, so a missing native runtime fails with our message.
    private static string CheckedName(string className)
    {
        TorchRuntime.EnsureAvailable();
        return className;
    }
}
