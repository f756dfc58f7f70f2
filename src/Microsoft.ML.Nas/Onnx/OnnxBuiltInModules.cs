using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Spaces.Enas;
using Microsoft.ML.Nas.Spaces.Mlp;
using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp.Modules;
using static Microsoft.ML.Nas.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Onnx;

// The built-in spaces' networks and ops, each translated as its forward computes in eval mode: drop-path and dropout
// are identities, auxiliary heads are left out (they only feed the training loss), and the CPU fast paths (channels-last,
// average pool as a depthwise convolution, the subsampled dilated depthwise convolution) are the plain ops they equal.
public sealed partial class OnnxTranslation
{
    private const long End = long.MaxValue;

    private OnnxValue? BuiltIn(nn.Module module, OnnxValue input) => module switch
    {
        Spaces.Ops.Identity => input,
        Zero zero => ZeroOp(zero, input),
        Pool pool => Module(Child<nn.Module>(pool, "pool"), input, "pool"),
        MaxPool3x3 max => Pool3x3("MaxPool", max.Stride, input),
        AveragePool3x3 average => Pool3x3("AveragePool", average.Stride, input),
        PoolBn poolBn => Module(Child<nn.Module>(poolBn, "bn"), Module(Child<nn.Module>(poolBn, "pool"), input, "pool"), "bn"),
        ConvBn convBn => ConvWithNorm(convBn, "conv", "bn", input),
        ConvBnRelu convBnRelu => Relu(ConvWithNorm(convBnRelu, "conv", "bn", input)),
        ReluConvBn reluConvBn => ConvWithNorm(reluConvBn, "conv", "bn", Relu(input)),
        SeparableConv separable => Module(Child<nn.Module>(separable, "pointwise"), Module(Child<nn.Module>(separable, "depthwise"), input, "depthwise"), "pointwise"),
        DilConv dilConv => ConvWithNorm(dilConv, "pointwise", "bn", Module(Child<nn.Module>(dilConv, "depthwise"), Relu(input), "depthwise")),
        SepConv sepConv => Module(Child<nn.Module>(sepConv, "second"), Module(Child<nn.Module>(sepConv, "first"), input, "first"), "second"),
        SepConvBn sepConvBn => ConvWithNorm(sepConvBn, "conv", "bn", Relu(input)),
        ConvBranch branch => Relu(ConvWithNorm(branch, "conv", "bn", Module(Child<nn.Module>(branch, "preprocess"), input, "preprocess"))),
        PoolBranch branch => Module(Child<nn.Module>(branch, "bn"),
            Module(Child<nn.Module>(branch, "pool"), Module(Child<nn.Module>(branch, "preprocess"), input, "preprocess"), "pool"), "bn"),
        FactorizedReduce reduce => FactorizedReduceOp(reduce, input),
        DartsNetwork darts => DartsNetworkOp(darts, input),
        EnasMacroNetwork macro => EnasMacroNetworkOp(macro, input),
        EnasMicroNetwork micro => EnasMicroNetworkOp(micro, input),
        MlpNetwork mlp => MlpNetworkOp(mlp, input),
        _ => null,
    };

    private static T Child<T>(nn.Module parent, string name) where T : class
        => OptionalChild<T>(parent, name) ?? throw new InvalidOperationException(
            $"ONNX export: {parent.GetType().Name} has no child '{name}' of type {typeof(T).Name}; its translator no longer matches the module.");

    private static T? OptionalChild<T>(nn.Module parent, string name) where T : class
        => parent.named_children().FirstOrDefault(c => c.name == name).module as T;

    // A convolution (plain, or the pointwise half of a separable one) with the batch norm after it folded in.
    private OnnxValue ConvWithNorm(nn.Module parent, string convName, string normName, OnnxValue input)
    {
        var norm = Child<BatchNorm>(parent, normName);
        var affine = Scoped(normName, () => ChannelAffine.Of(norm, Path));
        return Child<nn.Module>(parent, convName) switch
        {
            Conv2d conv => Scoped(convName, () => Conv(conv, input, affine)),
            SeparableConv separable => Scoped(convName, () =>
                Scoped("pointwise", () => Conv(Child<Conv2d>(separable, "pointwise"), Module(Child<nn.Module>(separable, "depthwise"), input, "depthwise"), affine))),
            var other => throw Unsupported(other, "is not a convolution its batch norm can be folded into"),
        };
    }

    private OnnxValue Pool3x3(string opType, int stride, OnnxValue input)
    {
        long Out(long size) => (size + 2 - 3) / stride + 1;
        var attributes = new List<Protobuf.AttributeProto> { Ints("kernel_shape", 3, 3), Ints("strides", stride, stride), Ints("pads", 1, 1, 1, 1) };
        if (opType == "AveragePool")
        {
            // The padding is left out of each mean (count_include_pad = 0), as the spaces' pools do.
            attributes.Add(Int("count_include_pad", 0));
        }
        return graph.Node(opType, Hint(opType.ToLowerInvariant()), [-1, input.Shape[1], Out(input.Shape[2]), Out(input.Shape[3])], [input.Name], [.. attributes]);
    }

    private OnnxValue Slice(OnnxValue input, long[] starts, long[] steps, long[] shape)
        => graph.Node("Slice", Hint("slice"), shape,
            [input.Name, graph.Int64s(Hint("starts"), starts), graph.Int64s(Hint("ends"), End, End), graph.Int64s(Hint("axes"), 2, 3), graph.Int64s(Hint("steps"), steps)]);

    private OnnxValue ZeroOp(Zero zero, OnnxValue input)
    {
        var x = zero.Stride == 1 ? input
            : Slice(input, [0, 0], [2, 2], [-1, input.Shape[1], (input.Shape[2] + 1) / 2, (input.Shape[3] + 1) / 2]);
        return Scale(x, 0f);
    }

    // Half the channels from the even pixels, half from the odd ones (shifted by one, zero-padded back to an even size).
    private OnnxValue FactorizedReduceOp(FactorizedReduce reduce, OnnxValue input)
    {
        var x = OptionalChild<nn.Module>(reduce, "relu") is { } relu ? Module(relu, input, "relu") : input;
        var norm = Child<BatchNorm>(reduce, "bn");
        var affine = Scoped("bn", () => ChannelAffine.Of(norm, Path));
        int half = affine.Count / 2;
        var even = Scoped("conv1", () => Conv(Child<Conv2d>(reduce, "conv1"), x, affine.Slice(0, half)));
        long height = x.Shape[2], width = x.Shape[3];
        var shifted = Slice(x, [1, 1], [1, 1], [-1, x.Shape[1], height - 1, width - 1]);
        long padBottom = height % 2, padRight = width % 2;
        if (padBottom + padRight > 0)
        {
            shifted = graph.Node("Pad", Hint("pad"), [-1, x.Shape[1], height - 1 + padBottom, width - 1 + padRight],
                [shifted.Name, graph.Int64s(Hint("pads"), 0, 0, 0, 0, 0, 0, padBottom, padRight)]);
        }
        var odd = Scoped("conv2", () => Conv(Child<Conv2d>(reduce, "conv2"), shifted, affine.Slice(half, half)));
        return Concat([even, odd]);
    }

    private OnnxValue Pooled(OnnxValue features) => Reshape(GlobalAveragePool(features), [-1, features.Shape[1]]);

    private static IReadOnlyList<T> Items<T>(nn.Module parent, string name) where T : nn.Module
        => Child<nn.Module>(parent, name).named_children().Select(c => (T)c.module).ToList();

    private OnnxValue DartsNetworkOp(DartsNetwork network, OnnxValue input)
    {
        var s0 = Module(Child<nn.Module>(network, "stem"), input, "stem");
        var s1 = s0;
        var cells = Items<DartsCell>(network, "cells");
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            var next = Scoped($"cells.{i}", () => DartsCellOp(cell, s0, s1));
            (s0, s1) = (s1, next);
        }
        return Module(Child<nn.Module>(network, "linear"), Scoped("gap", () => Pooled(s1)), "linear");
    }

    private OnnxValue DartsCellOp(DartsCell cell, OnnxValue previousPrevious, OnnxValue previous)
    {
        var states = new List<OnnxValue>
        {
            Module(Child<nn.Module>(cell, "preproc0"), previousPrevious, "preproc0"),
            Module(Child<nn.Module>(cell, "preproc1"), previous, "preproc1"),
        };
        var nodes = Items<DartsNode>(cell, "nodes");
        for (int j = 0; j < nodes.Count; j++)
        {
            var node = nodes[j];
            states.Add(Scoped($"nodes.{j}", () => DartsNodeOp(node, states)));
        }
        return Concat(states.GetRange(2, nodes.Count));
    }

    // Only the edges the switch keeps are translated: the others' outputs are never read.
    private OnnxValue DartsNodeOp(DartsNode node, IReadOnlyList<OnnxValue> states)
    {
        var edges = Items<LayerChoice>(node, "edges");
        var inputSwitch = Child<InputChoice>(node, "input_switch");
        var kept = (inputSwitch.FixedSelection ?? throw new NotSupportedException(
            $"ONNX export: InputChoice '{inputSwitch.Key}' at '{Path}' is not fixed; export the pruned network.")).Chosen.ToHashSet();
        var outputs = edges.Select((edge, i) => kept.Contains(i) && edge.Candidates.Count > 0 ? Module(edge, states[i], $"edges.{i}") : null).ToList();
        return Scoped("input_switch", () => Choose(inputSwitch, outputs))
            ?? throw new NotSupportedException($"ONNX export: node '{Path}' has no input: its switch kept no edge with an output.");
    }

    private OnnxValue EnasMacroNetworkOp(EnasMacroNetwork network, OnnxValue input)
    {
        var current = Module(Child<nn.Module>(network, "stem"), input, "stem");
        var layers = Items<EnasMacroLayer>(network, "layers");
        var outputs = new List<OnnxValue>();
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var previous = current;
            var earlier = outputs.ToList();
            current = Scoped($"layers.{i}", () => EnasMacroLayerOp(layer, previous, earlier));
            outputs.Add(current);
            int reduction = network.ReductionAfter.ToList().IndexOf(i);
            if (reduction >= 0)
            {
                // Only the reduced outputs a later layer reads stay in the graph.
                outputs = outputs.Select((o, source) => Module(network.ReductionOf(reduction, source), o, network.ReductionPathOf(reduction, source))).ToList();
                current = outputs[^1];
            }
        }
        return Module(Child<nn.Module>(network, "classifier"), Scoped("gap", () => Pooled(current)), "classifier");
    }

    private OnnxValue EnasMacroLayerOp(EnasMacroLayer layer, OnnxValue previous, IReadOnlyList<OnnxValue> earlier)
    {
        var output = Module(Child<nn.Module>(layer, "op"), previous, "op");
        if (OptionalChild<InputChoice>(layer, "skip") is { } skip && Scoped("skip", () => Choose(skip, earlier)) is { } connection)
        {
            output = Add(output, connection);
        }
        return Module(Child<nn.Module>(layer, "batchNorm"), output, "batchNorm");
    }

    private OnnxValue EnasMicroNetworkOp(EnasMicroNetwork network, OnnxValue input)
    {
        var previous = Module(Child<nn.Module>(network, "stem"), input, "stem");
        var current = previous;
        var stages = Items<EnasMicroStage>(network, "stages");
        for (int s = 0; s < stages.Count; s++)
        {
            var stage = stages[s];
            var (p, c) = (previous, current);
            (previous, current) = Scoped($"stages.{s}", () => EnasMicroStageOp(stage, p, c));
        }
        var pooled = Scoped("gap", () => Pooled(Relu(current)));
        return Module(Child<nn.Module>(network, "classifier"), pooled, "classifier");
    }

    private (OnnxValue Previous, OnnxValue Output) EnasMicroStageOp(EnasMicroStage stage, OnnxValue previousPrevious, OnnxValue previous)
    {
        if (OptionalChild<nn.Module>(stage, "reducePreviousPrevious") is { } reducePreviousPrevious
            && OptionalChild<nn.Module>(stage, "reducePrevious") is { } reducePrevious)
        {
            previousPrevious = Module(reducePreviousPrevious, previousPrevious, "reducePreviousPrevious");
            previous = Module(reducePrevious, previous, "reducePrevious");
        }
        var cell = Child<EnasMicroCell>(stage, "cell");
        var output = Scoped("cell", () => EnasMicroCellOp(cell, previousPrevious, previous));
        return (previous, output);
    }

    private OnnxValue EnasMicroCellOp(EnasMicroCell cell, OnnxValue previousPrevious, OnnxValue previous)
    {
        var outputs = new List<OnnxValue>
        {
            OptionalChild<nn.Module>(cell, "calibratePreviousPrevious") is { } c0 ? Module(c0, previousPrevious, "calibratePreviousPrevious") : previousPrevious,
            OptionalChild<nn.Module>(cell, "calibratePrevious") is { } c1 ? Module(c1, previous, "calibratePrevious") : previous,
        };
        var nodes = Items<EnasMicroNode>(cell, "nodes");
        var used = new bool[nodes.Count + 2];
        for (int j = 0; j < nodes.Count; j++)
        {
            var node = nodes[j];
            var inputs = outputs.ToList();
            outputs.Add(Scoped($"nodes.{j}", () =>
            {
                var left = Scoped("x", () => EnasMicroBranchOp(Child<EnasMicroBranch>(node, "x"), inputs, used));
                var right = Scoped("y", () => EnasMicroBranchOp(Child<EnasMicroBranch>(node, "y"), inputs, used));
                return Add(left, right);
            }));
        }
        // The outputs no node read are concatenated, and a 1×1 convolution of the matching slices of the cell's weight
        // (then its batch norm, folded in) maps them back to the cell's channels.
        long[] loose = Enumerable.Range(0, used.Length).Where(i => !used[i]).Select(i => (long)i).ToArray();
        var concatenated = Relu(Concat(loose.Select(i => outputs[(int)i]).ToList()));
        var outputWeight = cell.named_parameters(recurse: false).First(p => p.name == "outputWeight").parameter;
        long channels = outputWeight.size(0);
        double[] weight;
        using (var scope = NewDisposeScope())
        using (var indices = tensor(loose))
        {
            weight = ChannelAffine.Read(outputWeight.detach().cpu().index_select(1, indices).reshape(channels, loose.Length * channels, 1, 1));
        }
        var norm = Child<BatchNorm>(cell, "batchNorm");
        var affine = Scoped("batchNorm", () => ChannelAffine.Of(norm, Path));
        return Scoped("output", () => Conv(weight, new double[channels], [channels, loose.Length * channels, 1, 1], [1, 1], [0, 0], [1, 1], 1,
            concatenated, affine));
    }

    private OnnxValue EnasMicroBranchOp(EnasMicroBranch branch, IReadOnlyList<OnnxValue> inputs, bool[] used)
    {
        var input = Child<InputChoice>(branch, "input");
        var chosen = Scoped("input", () => Choose(input, inputs))
            ?? throw new NotSupportedException($"ONNX export: InputChoice '{input.Key}' at '{Path}' chose no input.");
        foreach (int i in input.FixedSelection!.Chosen)
        {
            used[i] = true;
        }
        return Module(Child<nn.Module>(branch, "op"), chosen, "op");
    }

    private OnnxValue MlpNetworkOp(MlpNetwork network, OnnxValue input)
    {
        var x = Module(Child<nn.Module>(network, "flatten"), input, "flatten");
        x = Module(Child<nn.Module>(network, "inputNorm"), x, "inputNorm");
        var layers = Items<nn.Module>(network, "layers");
        for (int i = 0; i < layers.Count; i++)
        {
            x = Module(layers[i], x, $"layers.{i}");
        }
        return Module(Child<nn.Module>(network, "classifier"), x, "classifier");
    }
}
