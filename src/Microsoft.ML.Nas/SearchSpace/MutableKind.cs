namespace Microsoft.ML.Nas.SearchSpace;

/// <summary>The three kinds of mutable a search space is made of.</summary>
public enum MutableKind
{
    /// <summary>A <see cref="SearchSpace.LayerChoice"/>: chooses among candidate modules.</summary>
    LayerChoice,

    /// <summary>An <see cref="SearchSpace.InputChoice"/>: chooses among input tensors.</summary>
    InputChoice,

    /// <summary>A mutable scope (<see cref="MutableScope{TInput, TOutput}"/>): marks a block; it holds no decision.</summary>
    Scope,
}
