using Microsoft.ML.Nas.Spaces.Ops;
using static Microsoft.ML.Nas.Tests.Spaces.Ops.OpAssertions;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Spaces.Ops;

[TestClass]
public sealed class BuildingBlockTests
{
    [TestMethod]
    public void Std_conv_blocks_and_stem_have_the_hand_counted_parameters_and_shapes()
    {
        using var reluConvBn = new ReluConvBn(8, 16, kernelSize: 3, stride: 2, affine: true);
        Assert.AreEqual(8 * 16 * 9 + 2 * 16, ParameterCount(reluConvBn));
        CollectionAssert.AreEqual(new long[] { 2, 16, 14, 14 }, OutputShape(reluConvBn, 2, 8, 28, 28));
        AssertGradientsFlow(reluConvBn, "ReluConvBn");

        using var convBnRelu = new ConvBnRelu(8, 16);
        Assert.AreEqual(8 * 16, ParameterCount(convBnRelu));
        CollectionAssert.AreEqual(new long[] { 2, 16, 28, 28 }, OutputShape(convBnRelu, 2, 8, 28, 28));

        using var stem = new ConvBn(1, 24);
        Assert.AreEqual(1 * 24 * 9 + 2 * 24, ParameterCount(stem));
        CollectionAssert.AreEqual(new long[] { 2, 24, 28, 28 }, OutputShape(stem, 2, 1, 28, 28));

        using var separable = new SeparableConv(8, 16, 3, stride: 2);
        Assert.AreEqual(8 * 9 + 8 * 16, ParameterCount(separable));
        CollectionAssert.AreEqual(new long[] { 2, 16, 14, 14 }, OutputShape(separable, 2, 8, 28, 28));
        AssertGradientsFlow(separable, "SeparableConv");
    }

    [TestMethod]
    public void Sep_conv_strides_in_its_first_half_and_maps_channels_in_its_second()
    {
        using var op = new SepConv(8, 16, 3, stride: 2, affine: true);
        var names = op.named_parameters().Select(p => p.name).ToArray();
        // first: 8 → 8 (depthwise 8·9, pointwise 8·8, BN 2·8); second: 8 → 16 (8·9, 8·16, BN 2·16).
        Assert.AreEqual(72 + 64 + 16 + 72 + 128 + 32, ParameterCount(op));
        CollectionAssert.Contains(names, "first.depthwise.weight");
        CollectionAssert.Contains(names, "second.pointwise.weight");
        CollectionAssert.AreEqual(new long[] { 2, 16, 14, 14 }, OutputShape(op, 2, 8, 28, 28));
    }

    [TestMethod]
    public void Factorized_reduce_handles_odd_sizes_and_matches_darts_on_even_ones()
    {
        using var op = new FactorizedReduce(8, 8, affine: false);
        CollectionAssert.AreEqual(new long[] { 2, 8, 4, 4 }, OutputShape(op, 2, 8, 7, 7));
        CollectionAssert.AreEqual(new long[] { 2, 8, 4, 3 }, OutputShape(op, 2, 8, 7, 6));
        CollectionAssert.AreEqual(new long[] { 2, 8, 1, 1 }, OutputShape(op, 2, 8, 1, 1));
        using var enas = new FactorizedReduce(8, 16, affine: false, relu: false);
        CollectionAssert.AreEqual(new long[] { 2, 16, 4, 4 }, OutputShape(enas, 2, 8, 7, 7));
        AssertGradientsFlow(enas, "ENAS FactorizedReduce");

        // Even sizes: exactly DARTS's cat(conv1(relu x), conv2(relu x[1:, 1:])), normalised.
        using var scope = NewDisposeScope();
        op.eval();
        var x = randn(2, 8, 6, 6, device: TestDevice);
        var weights = op.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var relu = nn.functional.relu(x);
        var shifted = relu[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(1), TensorIndex.Slice(1)];
        var expected = cat([nn.functional.conv2d(relu, weights["conv1.weight"], strides: [2, 2]),
                            nn.functional.conv2d(shifted, weights["conv2.weight"], strides: [2, 2])], 1);
        expected = (expected - op.get_buffer("bn.running_mean")!.view(1, -1, 1, 1)) / (op.get_buffer("bn.running_var")!.view(1, -1, 1, 1) + 1e-5).sqrt();
        Assert.IsTrue(op.call(x).allclose(expected, rtol: 1e-4, atol: 1e-5));

        var odd = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FactorizedReduce(8, 7));
        StringAssert.Contains(odd.Message, "even");
        var flat = Assert.ThrowsExactly<ArgumentException>(() => op.call(zeros(2, 8)));
        StringAssert.Contains(flat.Message, "[N, C, H, W]");
    }

    [TestMethod]
    public void Average_pool_excludes_padding_from_the_average()
    {
        using var op = new Pool(PoolKind.Average);
        using var image = ones(1, 1, 4, 4);
        using var pooled = op.call(image);
        // With the padding counted, a corner would average 4 ones over 9 cells (0.44); excluded, every cell stays 1.
        Assert.IsTrue(pooled.eq(1).all().item<bool>());
    }

    [TestMethod]
    public void Bad_sizes_name_the_argument_and_what_was_expected()
    {
        var kernel = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DilConv(8, 8, kernelSize: 4));
        Assert.AreEqual("kernelSize", kernel.ParamName);
        StringAssert.Contains(kernel.Message, "odd");
        var channels = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SepConv(0, 8, 3));
        Assert.AreEqual("inChannels", channels.ParamName);
        var stride = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PoolBn(PoolKind.Max, 8, stride: 0));
        Assert.AreEqual("stride", stride.ParamName);
    }
}
