namespace Microsoft.ML.Nas.Mutables;

/// <summary>The three kinds of mutable a search space is made of.</summary>
public enum MutableKind
{
    /// <summary>A <see cref="Mutables.LayerChoice"/>: chooses among candidate modules.</summary>
    LayerChoice,

    /// <summary>An <see cref="Mutables.InputChoice"/>: chooses among input tensors.</summary>
    InputChoice,

    /// <summary>A mutable scope (<see cref="MutableScope{TInput, TOutput}"/>): marks a block; it holds no decision.</summary>
    Scope,
}
