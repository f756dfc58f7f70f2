using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using static Microsoft.ML.Nas.Tests.Spaces.Ops.OpAssertions;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Tests.Spaces.Ops;

/// <summary>The CPU's faster routes (channels-last activations, subsampled dilated convolutions) compute what the plain ones do.</summary>
[TestClass]
public sealed class CpuLayoutTests
{
    [TestMethod]
    public void Channels_last_copies_keep_values_and_are_recognised()
    {
        using var scope = NewDisposeScope();
        var nchw = randn(2, 8, 5, 7);
        Assert.IsFalse(ChannelsLast.Is(nchw));
        var converted = ChannelsLast.ConvertOnCpu(nchw);
        Assert.IsNotNull(converted);
        Assert.IsTrue(ChannelsLast.Is(converted));
        CollectionAssert.AreEqual(new long[] { 8 * 5 * 7, 1, 7 * 8, 8 }, converted.stride());
        Assert.IsTrue(converted.eq(nchw).all().item<bool>());
        Assert.IsNull(ChannelsLast.ConvertOnCpu(converted), "An NHWC tensor is not copied again.");
        Assert.IsNull(ChannelsLast.ConvertOnCpu(randn(2, 8, 5, 7, dtype: ScalarType.Float64)), "Only float32 has the faster kernels.");
        Assert.IsNull(ChannelsLast.ConvertOnCpu(randn(2, 8)), "Only 4-d activations have a channels-last layout.");

        // One channel: already NHWC in memory, so a view with a channel stride of 1, no copy.
        var digits = randn(2, 1, 28, 28);
        var viewed = ChannelsLast.ConvertOnCpu(digits);
        Assert.IsNotNull(viewed);
        CollectionAssert.AreEqual(new long[] { 28 * 28, 1, 28, 1 }, viewed.stride());
        digits.add_(1);
        Assert.IsTrue(ChannelsLast.Is(viewed) && viewed.eq(digits).all().item<bool>(), "The view shares the digits' memory.");

        // A slice of a batch starts inside the storage: the view must start there too.
        var batch = randn(6, 1, 28, 28);
        var slice = batch.narrow(0, 4, 2);
        var sliceView = ChannelsLast.ConvertOnCpu(slice);
        Assert.IsNotNull(sliceView);
        Assert.IsTrue(sliceView.eq(slice).all().item<bool>(), "a slice's view holds the slice's pixels, not the batch's first rows");

        var activation = nchw.clone();
        ChannelsLast.Adopt(ref activation);
        Assert.IsTrue(ChannelsLast.Is(activation) && activation.eq(nchw).all().item<bool>());
    }

    [TestMethod]
    [DataRow(1, 28)]
    [DataRow(3, 32)]
    public void A_stem_given_a_channels_last_image_hands_back_channels_last(int channels, int size)
    {
        // The networks convert only their input: this is what carries the layout into the cells.
        using var scope = NewDisposeScope();
        using var stem = new ConvBn(channels, 24);
        var image = ChannelsLast.ConvertOnCpu(randn(2, channels, size, size))!;
        var output = stem.call(image);
        Assert.IsTrue(ChannelsLast.Is(output), $"The stem hands back strides {string.Join(',', output.stride())}.");
    }

    [TestMethod]
    public void Search_ops_keep_a_channels_last_activation_channels_last()
    {
        using var scope = NewDisposeScope();
        var input = ChannelsLast.ConvertOnCpu(randn(2, 8, 14, 14))!;
        Module<Tensor, Tensor>[] ops =
        [
            new Pool(PoolKind.Max), new Pool(PoolKind.Average), new PoolBn(PoolKind.Max, 8, stride: 2),
            new SepConv(8, 8, 5, stride: 1, affine: false), new DilConv(8, 8, 3, stride: 2, dilation: 2, affine: false),
            new FactorizedReduce(8, 8, affine: false), new ReluConvBn(8, 8, kernelSize: 1, stride: 1, affine: false),
        ];
        foreach (var op in ops)
        {
            using (op)
            {
                var output = op.call(input);
                Assert.IsTrue(ChannelsLast.Is(output), $"{op.GetName()} hands back strides {string.Join(',', output.stride())}.");
            }
        }
    }

    [TestMethod]
    [DataRow(3, 28)]
    [DataRow(5, 14)]
    [DataRow(3, 7)]
    [DataRow(5, 7)]
    public void Strided_dilated_conv_equals_the_dilated_convolution_it_replaces(int kernelSize, int size)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        using var op = new DilConv(8, 8, kernelSize, stride: 2, dilation: 2, affine: true);
        op.to(TestDevice).eval();
        var weights = op.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var buffers = op.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        var values = randn(4, 8, size, size, device: TestDevice);
        var ours = values.clone().requires_grad_(true);
        var reference = values.clone().requires_grad_(true);

        var output = op.call(ours);
        var depthwise = nn.functional.conv2d(nn.functional.relu(reference), weights["depthwise.weight"], strides: [2, 2],
            padding: [kernelSize - 1, kernelSize - 1], dilation: [2, 2], groups: 8);
        var expected = nn.functional.batch_norm(nn.functional.conv2d(depthwise, weights["pointwise.weight"]),
            buffers["bn.running_mean"], buffers["bn.running_var"], weights["bn.weight"], weights["bn.bias"], training: false);
        var upstream = randn(expected.shape, device: TestDevice);
        (output * upstream).sum().backward();
        var ourWeightGradient = weights["depthwise.weight"].grad!.clone();
        weights["depthwise.weight"].grad!.zero_();
        (expected * upstream).sum().backward();

        CollectionAssert.AreEqual(expected.shape, output.shape);
        Assert.IsTrue(output.allclose(expected, rtol: 1e-4, atol: 1e-5), "Outputs differ.");
        Assert.IsTrue(ours.grad!.allclose(reference.grad!, rtol: 1e-4, atol: 1e-5), "Input gradients differ.");
        Assert.IsTrue(ourWeightGradient.allclose(weights["depthwise.weight"].grad!, rtol: 1e-4, atol: 1e-4), "Depthwise weight gradients differ.");
    }
}
