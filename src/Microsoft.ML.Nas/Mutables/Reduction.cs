namespace Microsoft.ML.Nas.Mutables;

/// <summary>How a <see cref="LayerChoice"/> or <see cref="InputChoice"/> combines the outputs it selected.</summary>
public enum Reduction
{
    /// <summary>No combination: the selected outputs are returned as a list (<see cref="ChoiceOutput.Outputs"/>).</summary>
    None,

    /// <summary>The element-wise sum of the selected outputs.</summary>
    Sum,

    /// <summary>The element-wise mean of the selected outputs.</summary>
    Mean,

    /// <summary>The selected outputs concatenated along dimension 1 (channels).</summary>
    Concat,
}
