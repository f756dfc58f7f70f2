namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// What every mutable (<see cref="LayerChoice"/>, <see cref="InputChoice"/>, <see cref="MutableScope{TInput, TOutput}"/>)
/// shows to mutators and walkers, whatever its forward signature.
/// </summary>
public interface IMutable
{
    /// <summary>
    /// The mutable's key. An explicit key is known at construction; an automatic one (<c>LayerChoice1</c>,
    /// <c>InputChoice2</c>, ...) is given when the model is first walked (<see cref="ModelSearchSpace.Of"/>, a mutator or
    /// <c>FixedArchitecture</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The key is automatic and the model has not been walked yet.</exception>
    string Key { get; }

    /// <summary>Whether the key was given by the user rather than numbered automatically.</summary>
    bool HasExplicitKey { get; }

    /// <summary>The kind of mutable.</summary>
    MutableKind Kind { get; }

    /// <summary>Whether a fixed architecture has been applied: the mutable no longer asks a mutator for decisions.</summary>
    bool IsFixed { get; }
}
