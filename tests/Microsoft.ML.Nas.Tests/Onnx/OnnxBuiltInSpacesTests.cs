using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Ops;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Onnx;

/// <summary>
/// Every built-in space's pruned network, for architectures sampled at random, exports to ONNX and agrees with
/// TorchSharp on 256 test digits; so does every op of the spaces, at both strides.
/// </summary>
[TestClass]
public sealed class OnnxBuiltInSpacesTests
{
    private static readonly long[] Image = [1, MnistDigits.Side, MnistDigits.Side];
    private static readonly SpaceContext Digits = new(Image, MnistDigits.ClassCount);

    private static void AssertSampledArchitecturesAgree(SearchSpaceSpec spec, SpaceContext context, params int[] seeds)
    {
        foreach (int seed in seeds)
        {
            Architecture architecture;
            using (var supernet = SearchSpaceRegistry.Build(spec, context))
            using (var mutator = new RandomMutator(supernet, seed))
            {
                architecture = mutator.Export();
            }
            manual_seed(seed);
            using var network = FixedArchitecture.Build(spec, context, architecture);
            OnnxCheck.Perturb(network, [.. context.SampleShape], seed);
            OnnxCheck.AssertAgrees(network, [.. context.SampleShape], $"{spec} with {architecture.ToJson()}");
        }
    }

    [TestMethod]
    public void Enas_macro_networks_agree_with_torchsharp()
        => AssertSampledArchitecturesAgree(SearchSpaces.EnasMacro(layers: 6, filters: 8, dropout: 0.2), Digits, 1, 2, 3);

    [TestMethod]
    public void Enas_macro_networks_whose_channels_grow_at_reductions_agree_with_torchsharp()
        => AssertSampledArchitecturesAgree(SearchSpaces.EnasMacro(layers: 4, filters: 4, growth: 2), Digits, 1, 2);

    [TestMethod]
    public void Enas_micro_networks_agree_with_torchsharp_without_their_auxiliary_head()
        => AssertSampledArchitecturesAgree(SearchSpaces.EnasMicro(layers: 1, nodes: 3, channels: 4, auxiliary: true), Digits, 1, 2, 3);

    [TestMethod]
    public void Darts_cell_networks_agree_with_torchsharp_without_their_auxiliary_head()
        => AssertSampledArchitecturesAgree(SearchSpaces.DartsCells(channels: 4, layers: 3, nodes: 3, auxiliary: true), Digits, 1, 2);

    [TestMethod]
    public void Image_spaces_take_odd_and_non_square_colour_images_and_agree_with_torchsharp()
    {
        // Odd sides meet every stride-2 reduction with a remainder; 25 × 19 is neither square nor a power of two.
        var colour = new SpaceContext([3, 25, 19], 4);
        AssertSampledArchitecturesAgree(SearchSpaces.EnasMacro(layers: 4, filters: 4, growth: 2), colour, 1);
        AssertSampledArchitecturesAgree(SearchSpaces.EnasMicro(layers: 1, nodes: 3, channels: 4), colour, 1);
        AssertSampledArchitecturesAgree(SearchSpaces.DartsCells(channels: 4, layers: 3, nodes: 3), colour, 1);

        var error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(SearchSpaces.DartsCells(channels: 4, layers: 3, auxiliary: true), colour));
        StringAssert.Contains(error.Message, "auxiliary head needs square images; got 25×19");
    }

    [TestMethod]
    public void Mlp_networks_with_every_activation_agree_with_torchsharp()
        => AssertSampledArchitecturesAgree(
            SearchSpaces.Mlp(layers: 3, hidden: 32, widths: [16, 48], activations: ["relu", "tanh", "gelu", "sigmoid", "elu"], dropout: 0.3),
            new SpaceContext([MnistDigits.PixelsPerImage], MnistDigits.ClassCount), 1, 2, 3);

    [TestMethod]
    public void Every_op_of_the_spaces_agrees_with_torchsharp_at_both_strides()
    {
        const int C = 6;
        var ops = new List<(string Name, Func<nn.Module<Tensor, Tensor>> Create)>();
        foreach (int stride in new[] { 1, 2 })
        {
            foreach (string name in DartsOps.Names.Append(DartsOps.None))
            {
                ops.Add(($"darts {name} stride {stride}", () => DartsOps.Create(name, C, stride, affine: true)));
            }
            ops.Add(($"factorized reduce without relu, stride {stride}", () => new FactorizedReduce(C, C, affine: true, relu: false)));
        }
        foreach (string name in EnasOps.MacroNames)
        {
            ops.Add(($"enas macro {name}", () => EnasOps.CreateMacro(name, C, C)));
        }
        foreach (string name in EnasOps.MicroNames)
        {
            ops.Add(($"enas micro {name}", () => EnasOps.CreateMicro(name, C)));
        }
        foreach (var (name, create) in ops)
        {
            manual_seed(7);
            // Two strided stems bring 28×28 to an odd 7×7 (the padding cases of the strided ops), then the op, a
            // pooling and a classifier.
            using var network = nn.Sequential(
                ("stem", new ConvBn(1, C, 3, stride: 2)),
                ("stem2", new ConvBn(C, C, 3, stride: 2)),
                ("op", create()),
                ("gap", nn.AdaptiveAvgPool2d(1)),
                ("flatten", nn.Flatten()),
                ("classifier", nn.Linear(C, 10)));
            OnnxCheck.Perturb(network, Image, seed: 7);
            OnnxCheck.AssertAgrees(network, Image, name, rows: 64);
        }
    }
}
