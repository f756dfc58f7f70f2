using Microsoft.ML.Nas.Mutables;
using TorchSharp.Modules;
using static Microsoft.ML.Nas.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Onnx;

/// <summary>
/// Turns the modules of a fixed network into ONNX nodes, one translator per module type, and keeps the module path
/// for names and errors. A translator registered with <see cref="OnnxExportOptions.AddTranslator{TModule}"/> receives
/// it to translate its module's children and to combine values the way its forward does.
/// </summary>
public sealed partial class OnnxTranslation
{
    private readonly OnnxGraphBuilder graph;
    private readonly IReadOnlyDictionary<Type, Func<nn.Module, OnnxValue, OnnxTranslation, OnnxValue>> custom;
    private readonly List<string> path = [];

    internal OnnxTranslation(OnnxGraphBuilder graph, IReadOnlyDictionary<Type, Func<nn.Module, OnnxValue, OnnxTranslation, OnnxValue>> custom)
    {
        this.graph = graph;
        this.custom = custom;
    }

    /// <summary>The path of the module being translated (e.g. <c>cells.0.preproc0</c>), as named in its parent.</summary>
    public string Path => path.Count == 0 ? "(the network)" : string.Join(".", path);

    /// <summary>Translates <paramref name="module"/>, the child called <paramref name="name"/> of the module being translated, applied to <paramref name="input"/>.</summary>
    /// <exception cref="NotSupportedException">The module, or one inside it, has no translator; the message names its type and path.</exception>
    public OnnxValue Module(nn.Module module, OnnxValue input, string name)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(name);
        path.Add(name);
        try
        {
            return Translate(module, input);
        }
        finally
        {
            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>
    /// What a fixed <paramref name="choice"/> returns for <paramref name="inputs"/> (in its <see cref="InputChoice.ChooseFrom"/>
    /// order; null for an input that does not exist): the chosen inputs, weighted if the decision weights them, reduced as
    /// the choice says; null when it chose none.
    /// </summary>
    /// <exception cref="NotSupportedException">The choice is not fixed, or its reduction is None.</exception>
    public OnnxValue? Choose(InputChoice choice, IReadOnlyList<OnnxValue?> inputs)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(inputs);
        var selection = choice.FixedSelection ?? throw new NotSupportedException(
            $"ONNX export: InputChoice '{choice.Key}' at '{Path}' is not fixed; export the pruned network (FixedArchitecture.Apply or Build) instead of the supernet.");
        if (inputs.Count != choice.CandidateCount)
        {
            throw new ArgumentException($"InputChoice '{choice.Key}' chooses among {choice.CandidateCount} inputs, but {inputs.Count} were passed.", nameof(inputs));
        }
        var chosen = selection.Chosen;
        return Reduce(chosen.Select(i => (inputs[i], selection.Weighted ? selection.Values[i] : (float?)null)), choice.Reduction, $"InputChoice '{choice.Key}'");
    }

    /// <summary>The element-wise sum of two values of one shape.</summary>
    public OnnxValue Add(OnnxValue left, OnnxValue right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        RequireSameShape(left, right, "add");
        return graph.Node("Add", Hint("add"), left.Shape, [left.Name, right.Name]);
    }

    /// <summary>The values concatenated along dimension 1 (channels), as <c>torch.cat(values, 1)</c>.</summary>
    public OnnxValue Concat(IReadOnlyList<OnnxValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("Concat needs at least one value.", nameof(values));
        }
        if (values.Count == 1)
        {
            return values[0];
        }
        var shape = values[0].Shape.ToArray();
        shape[1] = values.Sum(v => v.Shape[1]);
        return graph.Node("Concat", Hint("concat"), shape, values.Select(v => v.Name), Int("axis", 1));
    }

    /// <summary>max(x, 0).</summary>
    public OnnxValue Relu(OnnxValue input) => Unary("Relu", input);

    /// <summary>Translates the module being translated, or a module given by the caller, without extending the path.</summary>
    internal OnnxValue Translate(nn.Module module, OnnxValue input)
    {
        if (custom.TryGetValue(module.GetType(), out var translate))
        {
            return translate(module, input, this);
        }
        return module switch
        {
            LayerChoice choice => FixedLayerChoice(choice, input),
            MutableScope scope when scope.named_children().FirstOrDefault(c => c.name == "body").module is { } body => Module(body, input, "body"),
            Sequential sequential => Chain(sequential.named_children().ToList(), input),
            _ when module.GetType().IsGenericType && module.GetType().GetGenericTypeDefinition() == typeof(ModuleList<>)
                => Chain(module.named_children().ToList(), input),
            Conv2d conv => Conv(conv, input, after: null),
            BatchNorm1d or BatchNorm2d => BatchNormalization((BatchNorm)module, input),
            Linear linear => Gemm(linear, input),
            LayerNorm norm => LayerNormalization(norm, input),
            ReLU => Relu(input),
            Tanh => Unary("Tanh", input),
            Sigmoid => Unary("Sigmoid", input),
            GELU gelu => Gelu(gelu, input),
            ELU elu => graph.Node("Elu", Hint("elu"), input.Shape, [input.Name], Float("alpha", (float)elu.alpha)),
            Dropout or TorchSharp.Modules.Identity => input,
            Flatten flatten => FlattenDims(flatten, input),
            AdaptiveAvgPool2d pool when pool.output_size.All(s => s == 1) => GlobalAveragePool(input),
            _ => BuiltIn(module, input) ?? throw Unsupported(module),
        };
    }

    internal NotSupportedException Unsupported(nn.Module module, string? why = null) => new(
        $"ONNX export: module '{Path}' of type {module.GetType().FullName} {why ?? "has no ONNX translator"}. " +
        "Supported: the built-in spaces' networks and ops, fixed LayerChoice and InputChoice, MutableScope with a body, and TorchSharp's " +
        "Sequential, ModuleList (run as a chain), Linear, Conv2d, BatchNorm1d/2d, LayerNorm, ReLU, Tanh, GELU, Sigmoid, ELU, Dropout, Identity, " +
        "Flatten and AdaptiveAvgPool2d(1). Build the network from these, or register a translator for this type with " +
        "OnnxExportOptions.AddTranslator (a module whose forward is not a chain of its children needs one).");

    internal string Hint(string what) => path.Count == 0 ? what : $"{string.Join(".", path)}/{what}";

    internal OnnxValue Unary(string opType, OnnxValue input) => graph.Node(opType, Hint(opType.ToLowerInvariant()), input.Shape, [input.Name]);

    // A chain of children in order; a Conv2d followed by a BatchNorm2d becomes one convolution with the norm folded in.
    private OnnxValue Chain(IReadOnlyList<(string name, nn.Module module)> children, OnnxValue input)
    {
        var x = input;
        for (int i = 0; i < children.Count; i++)
        {
            var (name, module) = children[i];
            if (module is Conv2d conv && i + 1 < children.Count && children[i + 1].module is BatchNorm2d norm)
            {
                x = Scoped(name, () => Conv(conv, x, ChannelAffine.Of(norm, $"{Path}.{children[i + 1].name}")));
                i++;
                continue;
            }
            x = Module(module, x, name);
        }
        return x;
    }

    internal T Scoped<T>(string name, Func<T> translate)
    {
        path.Add(name);
        try
        {
            return translate();
        }
        finally
        {
            path.RemoveAt(path.Count - 1);
        }
    }

    private OnnxValue FixedLayerChoice(LayerChoice choice, OnnxValue input)
    {
        if (!choice.IsFixed)
        {
            throw new NotSupportedException(
                $"ONNX export: LayerChoice '{choice.Key}' at '{Path}' is not fixed; export the pruned network (FixedArchitecture.Apply or Build) instead of the supernet.");
        }
        var weights = choice.FixedWeights;
        var outputs = choice.Candidates.Select((candidate, i) =>
            ((OnnxValue?)(choice.Candidates.Count == 1 ? Translate(candidate, input) : Module(candidate, input, choice.CandidateNames[i])), weights?[i]));
        return Reduce(outputs.ToList(), choice.Reduction, $"LayerChoice '{choice.Key}'")
            ?? throw new NotSupportedException($"ONNX export: LayerChoice '{choice.Key}' at '{Path}' kept no candidate, so it has no output.");
    }

    private OnnxValue? Reduce(IEnumerable<(OnnxValue? Value, float? Weight)> selected, Reduction reduction, string what)
    {
        if (reduction == Reduction.None)
        {
            throw new NotSupportedException($"ONNX export: {what} at '{Path}' has reduction None (a list of outputs), which only its parent's forward can combine; register a translator for the parent.");
        }
        var outputs = new List<OnnxValue>();
        foreach (var (value, weight) in selected)
        {
            if (value is null)
            {
                continue;
            }
            outputs.Add(weight is { } w ? Scale(value, w) : value);
        }
        if (outputs.Count <= 1)
        {
            return outputs.FirstOrDefault();
        }
        if (reduction == Reduction.Concat)
        {
            return Concat(outputs);
        }
        var sum = outputs.Skip(1).Aggregate(outputs[0], Add);
        return reduction == Reduction.Mean ? Scale(sum, 1f / outputs.Count) : sum;
    }

    internal OnnxValue Scale(OnnxValue input, float factor)
        => graph.Node("Mul", Hint("scale"), input.Shape, [input.Name, graph.Floats(Hint("factor"), [factor])]);

    private static void RequireSameShape(OnnxValue left, OnnxValue right, string what)
    {
        if (!left.Shape.SequenceEqual(right.Shape))
        {
            throw new ArgumentException($"ONNX export: cannot {what} {left} and {right}: their shapes differ.");
        }
    }

    internal OnnxValue Conv(Conv2d conv, OnnxValue input, ChannelAffine? after)
    {
        if (input.Rank != 4)
        {
            throw new NotSupportedException($"ONNX export: Conv2d '{Path}' expects [N, C, H, W]; its input is {input}.");
        }
        if (conv.padding_mode != TorchSharp.PaddingModes.Zeros)
        {
            throw Unsupported(conv, $"pads with {conv.padding_mode}, which the export does not write (use zero padding)");
        }
        long outChannels = conv.out_channels;
        long[] kernel = conv.kernel_size, stride = conv.stride, dilation = conv.dilation;
        long[] padding = conv.padding_type switch
        {
            TorchSharp.Padding.Valid => [0, 0],
            TorchSharp.Padding.Same => [dilation[0] * (kernel[0] - 1) / 2, dilation[1] * (kernel[1] - 1) / 2],
            _ => conv.padding ?? [0, 0],
        };
        if (conv.padding_type == TorchSharp.Padding.Same && (dilation[0] * (kernel[0] - 1) % 2 != 0 || dilation[1] * (kernel[1] - 1) % 2 != 0))
        {
            throw Unsupported(conv, "uses 'same' padding with an even receptive field (asymmetric padding)");
        }
        var weight = ChannelAffine.Read(conv.weight!);
        var bias = conv.bias is null ? new double[outChannels] : ChannelAffine.Read(conv.bias);
        long[] weightShape = [outChannels, conv.in_channels / conv.groups, kernel[0], kernel[1]];
        return Conv(weight, bias, weightShape, stride, padding, dilation, conv.groups, input, after);
    }

    /// <summary>A convolution of the given weights, with the per-channel affine of a following batch norm folded in.</summary>
    internal OnnxValue Conv(double[] weight, double[] bias, long[] weightShape, long[] stride, long[] padding, long[] dilation, long groups,
        OnnxValue input, ChannelAffine? after)
    {
        long outChannels = weightShape[0];
        long[] kernel = weightShape[2..];
        if (input.Rank != 4 || input.Shape[1] != weightShape[1] * groups)
        {
            throw new NotSupportedException($"ONNX export: the convolution at '{Path}' takes {weightShape[1] * groups} channels; its input is {input}.");
        }
        if (after is not null)
        {
            long perChannel = weight.Length / outChannels;
            for (int o = 0; o < outChannels; o++)
            {
                for (long k = 0; k < perChannel; k++)
                {
                    weight[o * perChannel + k] *= after.Scale[o];
                }
                bias[o] = bias[o] * after.Scale[o] + after.Shift[o];
            }
        }
        string w = graph.Floats(Hint("weight"), weight, weightShape);
        string b = graph.Floats(Hint("bias"), bias, outChannels);
        long Out(long size, int d) => (size + 2 * padding[d] - dilation[d] * (kernel[d] - 1) - 1) / stride[d] + 1;
        return graph.Node("Conv", Hint("conv"), [-1, outChannels, Out(input.Shape[2], 0), Out(input.Shape[3], 1)], [input.Name, w, b],
            Ints("kernel_shape", kernel), Ints("strides", stride), Ints("dilations", dilation),
            Ints("pads", padding[0], padding[1], padding[0], padding[1]), Int("group", groups));
    }

    internal OnnxValue BatchNormalization(BatchNorm norm, OnnxValue input)
    {
        var (mean, variance, gamma, beta) = ChannelAffine.Statistics(norm, Path);
        int channels = mean.Length;
        if (input.Rank < 2 || input.Shape[1] != channels)
        {
            throw new NotSupportedException($"ONNX export: batch norm '{Path}' normalizes {channels} channels; its input is {input}.");
        }
        string scale = graph.Floats(Hint("scale"), gamma ?? Enumerable.Repeat(1.0, channels).ToArray(), channels);
        string shift = graph.Floats(Hint("shift"), beta ?? new double[channels], channels);
        string m = graph.Floats(Hint("mean"), mean, channels);
        string v = graph.Floats(Hint("variance"), variance, channels);
        return graph.Node("BatchNormalization", Hint("batchnorm"), input.Shape, [input.Name, scale, shift, m, v], Float("epsilon", (float)norm.eps));
    }

    private OnnxValue Gemm(Linear linear, OnnxValue input)
    {
        long outputs = linear.out_features, inputs = linear.in_features;
        if (input.Shape[^1] != inputs)
        {
            throw new NotSupportedException($"ONNX export: Linear '{Path}' takes {inputs} features; its input is {input}.");
        }
        string w = graph.Floats(Hint("weight"), ChannelAffine.Read(linear.weight!), outputs, inputs);
        string b = graph.Floats(Hint("bias"), linear.bias is null ? new double[outputs] : ChannelAffine.Read(linear.bias), outputs);
        var shape = input.Shape.ToArray();
        shape[^1] = outputs;
        if (input.Rank == 2)
        {
            return graph.Node("Gemm", Hint("gemm"), shape, [input.Name, w, b], Int("transB", 1));
        }
        var transposed = graph.Node("Transpose", Hint("weight_t"), [inputs, outputs], [w], Ints("perm", 1, 0));
        var product = graph.Node("MatMul", Hint("matmul"), shape, [input.Name, transposed.Name]);
        return graph.Node("Add", Hint("linear"), shape, [product.Name, b]);
    }

    private OnnxValue LayerNormalization(LayerNorm norm, OnnxValue input)
    {
        long[] normalized = norm.normalized_shape;
        if (input.Rank <= normalized.Length || !input.Shape.Skip(input.Rank - normalized.Length).SequenceEqual(normalized))
        {
            throw new NotSupportedException($"ONNX export: LayerNorm '{Path}' normalizes [{string.Join(", ", normalized)}]; its input is {input}.");
        }
        int count = checked((int)normalized.Aggregate(1L, (a, b) => a * b));
        string scale = graph.Floats(Hint("scale"), norm.weight is null ? Enumerable.Repeat(1.0, count).ToArray() : ChannelAffine.Read(norm.weight), normalized);
        string shift = graph.Floats(Hint("shift"), norm.bias is null ? new double[count] : ChannelAffine.Read(norm.bias), normalized);
        return graph.Node("LayerNormalization", Hint("layernorm"), input.Shape, [input.Name, scale, shift],
            Int("axis", input.Rank - normalized.Length), Float("epsilon", (float)norm.eps));
    }

    // Opset 17 has no Gelu: x·½·(1 + erf(x/√2)), the exact form (TorchSharp's default).
    private OnnxValue Gelu(GELU gelu, OnnxValue input)
    {
        if (gelu.approximate != GELU.Approximate.none)
        {
            throw Unsupported(gelu, "uses the tanh approximation, which the export does not write (use the exact GELU)");
        }
        var scaled = graph.Node("Mul", Hint("gelu_scaled"), input.Shape, [input.Name, graph.Floats(Hint("inv_sqrt2"), [(float)(1 / Math.Sqrt(2))])]);
        var erf = graph.Node("Erf", Hint("gelu_erf"), input.Shape, [scaled.Name]);
        var onePlus = graph.Node("Add", Hint("gelu_1p"), input.Shape, [erf.Name, graph.Floats(Hint("one"), [1f])]);
        var half = graph.Node("Mul", Hint("gelu_half"), input.Shape, [input.Name, graph.Floats(Hint("half"), [0.5f])]);
        return graph.Node("Mul", Hint("gelu"), input.Shape, [half.Name, onePlus.Name]);
    }

    private OnnxValue FlattenDims(Flatten flatten, OnnxValue input)
    {
        long start = flatten.start_dim < 0 ? flatten.start_dim + input.Rank : flatten.start_dim;
        long end = flatten.end_dim < 0 ? flatten.end_dim + input.Rank : flatten.end_dim;
        if (start < 1 || end < start || end >= input.Rank)
        {
            throw Unsupported(flatten, $"flattens dimensions {flatten.start_dim}..{flatten.end_dim} of {input}; the export keeps the batch dimension apart (start_dim ≥ 1)");
        }
        var shape = new List<long>();
        for (int d = 0; d < input.Rank; d++)
        {
            if (d <= start || d > end)
            {
                shape.Add(input.Shape[d]);
            }
            else
            {
                shape[^1] *= input.Shape[d];
            }
        }
        return Reshape(input, shape);
    }

    internal OnnxValue Reshape(OnnxValue input, IReadOnlyList<long> shape)
    {
        if (input.Shape.SequenceEqual(shape))
        {
            return input;
        }
        return graph.Node("Reshape", Hint("reshape"), shape, [input.Name, graph.Int64s(Hint("shape"), [.. shape])]);
    }

    internal OnnxValue GlobalAveragePool(OnnxValue input)
    {
        if (input.Rank != 4)
        {
            throw new NotSupportedException($"ONNX export: the global average pool at '{Path}' expects [N, C, H, W]; its input is {input}.");
        }
        return graph.Node("GlobalAveragePool", Hint("gap"), [-1, input.Shape[1], 1, 1], [input.Name]);
    }
}
