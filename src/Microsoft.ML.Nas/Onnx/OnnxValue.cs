namespace Microsoft.ML.Nas.Onnx;

/// <summary>
/// A float tensor of the ONNX graph being written: its name in the graph and its shape, the batch dimension first and
/// written as -1 (every other dimension is known, from the sample shape the export was given).
/// </summary>
public sealed class OnnxValue
{
    internal OnnxValue(string name, IReadOnlyList<long> shape)
    {
        Name = name;
        Shape = shape;
    }

    /// <summary>The value's name in the graph.</summary>
    public string Name { get; }

    /// <summary>The shape: -1 for the batch dimension, then the known sizes.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The number of dimensions, the batch's included.</summary>
    public int Rank => Shape.Count;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join(", ", Shape.Select(d => d < 0 ? "N" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
