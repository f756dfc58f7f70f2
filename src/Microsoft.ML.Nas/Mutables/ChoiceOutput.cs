using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// What a <see cref="LayerChoice"/> or <see cref="InputChoice"/> produced under one decision: the selected outputs
/// (each already scaled by its weight under a float mask), their reduction, and optionally the mask.
/// </summary>
public sealed class ChoiceOutput
{
    internal ChoiceOutput(Tensor? output, IReadOnlyList<Tensor> outputs, Tensor? mask)
    {
        Output = output;
        Outputs = outputs;
        Mask = mask;
    }

    /// <summary>
    /// The reduced output; a single selected output as it is. Null when nothing was selected (an explicit "no output",
    /// as DARTS' none op needs) or when the reduction is <see cref="Reduction.None"/>.
    /// </summary>
    public Tensor? Output { get; }

    /// <summary>The selected outputs in candidate order (scaled by their weights under a float mask).</summary>
    public IReadOnlyList<Tensor> Outputs { get; }

    /// <summary>The decision mask, when the mutable was created with <c>returnMask: true</c>; else null.</summary>
    public Tensor? Mask { get; }

    /// <summary>Whether anything was selected.</summary>
    public bool HasOutput => Outputs.Count > 0;
}
