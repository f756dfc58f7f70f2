using System.Globalization;
using Google.Protobuf;
using Microsoft.ML.Nas.Onnx.Protobuf;

namespace Microsoft.ML.Nas.Onnx;

/// <summary>
/// Collects the nodes and initializers of one ONNX graph, names every value uniquely after the module path that made
/// it, tracks each value's shape, and drops at the end whatever the outputs do not need (an unused branch of a cell).
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly List<NodeProto> nodes = [];
    private readonly List<TensorProto> initializers = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>A name not used yet, made from <paramref name="hint"/> (a module path and what the value is).</summary>
    public string Unique(string hint)
    {
        string name = string.IsNullOrEmpty(hint) ? "value" : hint;
        for (int i = 1; !names.Add(name); i++)
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{hint}_{i}");
        }
        return name;
    }

    /// <summary>Adds a node with one output of <paramref name="shape"/>.</summary>
    public OnnxValue Node(string opType, string hint, IReadOnlyList<long> shape, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = Unique(hint);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        nodes.Add(node);
        return new OnnxValue(output, [.. shape]);
    }

    /// <summary>A float initializer; its values are copied.</summary>
    public string Floats(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }
        tensor.RawData = ByteString.CopyFrom(bytes);
        initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float initializer from doubles (folded weights are computed in double, stored rounded once).</summary>
    public string Floats(string hint, IReadOnlyList<double> values, params long[] dims)
        => Floats(hint, values.Select(v => (float)v).ToArray(), dims);

    /// <summary>An int64 initializer (shapes, slice bounds, pads).</summary>
    public string Int64s(string hint, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        initializers.Add(tensor);
        return tensor.Name;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>
    /// The graph with <paramref name="input"/> as its one input and <paramref name="outputs"/> as its outputs; nodes and
    /// initializers that no output depends on are left out.
    /// </summary>
    public GraphProto Build(string name, OnnxValue input, IReadOnlyList<(OnnxValue Value, TensorProto.Types.DataType Type)> outputs)
    {
        var needed = new HashSet<string>(outputs.Select(o => o.Value.Name), StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            if (nodes[i].Output.Any(needed.Contains))
            {
                kept.Add(nodes[i]);
                needed.UnionWith(nodes[i].Input.Where(n => n.Length > 0));
            }
        }
        kept.Reverse();
        var graph = new GraphProto { Name = name };
        graph.Node.AddRange(kept);
        graph.Initializer.AddRange(initializers.Where(t => needed.Contains(t.Name)));
        graph.Input.Add(ValueInfo(input, TensorProto.Types.DataType.Float));
        graph.Output.AddRange(outputs.Select(o => ValueInfo(o.Value, o.Type)));
        return graph;
    }

    private static ValueInfoProto ValueInfo(OnnxValue value, TensorProto.Types.DataType type)
    {
        var shape = new TensorShapeProto();
        foreach (long dim in value.Shape)
        {
            shape.Dim.Add(dim < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = dim });
        }
        return new ValueInfoProto
        {
            Name = value.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
