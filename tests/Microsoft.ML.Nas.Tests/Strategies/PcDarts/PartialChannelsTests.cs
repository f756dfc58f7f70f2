using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.PcDarts;

[TestClass]
public sealed class PartialChannelsTests
{
    [TestMethod]
    public void The_shuffle_is_the_exact_permutation_of_channels_and_the_transposed_shuffle_undoes_it()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        // Channel c holds the value c everywhere: the output's channels name where each came from.
        var x = arange(8, dtype: ScalarType.Float32).reshape(1, 8, 1, 1).expand(2, 8, 3, 3).contiguous();

        var shuffled = PartialChannels.Shuffle(x, groups: 4);

        // Four groups of two: channel g·2 + i goes to i·4 + g.
        CollectionAssert.AreEqual(new float[] { 0, 2, 4, 6, 1, 3, 5, 7 }, Sources(shuffled));
        Assert.IsTrue(PartialChannels.Shuffle(shuffled, groups: 2).equal(x).all().ToBoolean(), "2 groups of 4 undo 4 groups of 2");
    }

    [TestMethod]
    public void The_ops_see_the_first_quarter_and_every_channel_comes_out_once()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        var x = arange(8, dtype: ScalarType.Float32).reshape(1, 8, 1, 1).expand(2, 8, 4, 4).contiguous();
        long seen = 0;

        var output = PartialChannels.Run(x, k: 4, reduces: false, part =>
        {
            seen = part.size(1);
            Assert.IsTrue(part.equal(x.narrow(1, 0, 2)).all().ToBoolean(), "the ops get the first C/K channels");
            return part + 100;
        })!;

        Assert.AreEqual(2L, seen);
        // Processed channels 0, 1 (now 100, 101) and bypassed 2..7, shuffled in four groups.
        CollectionAssert.AreEqual(new float[] { 100, 2, 4, 6, 101, 3, 5, 7 }, Sources(output));
        CollectionAssert.AreEqual(new long[] { 2, 8, 4, 4 }, output.shape);
    }

    [TestMethod]
    public void A_channels_last_input_reaches_few_channel_ops_in_nchw_with_the_same_values_and_gradients()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        var values = randn(2, 8, 5, 5);
        var channelsLast = ChannelsLast.ConvertOnCpu(values)!.detach().requires_grad_(true);
        var plain = values.clone().requires_grad_(true);
        bool opsSawChannelsLast = true;
        var weights = randn(2, 1, 3, 3);

        // A depthwise convolution on the 2 processed channels, as DARTS's ops start.
        var fromChannelsLast = PartialChannels.Run(channelsLast, k: 4, reduces: false, part =>
        {
            // A channel stride of 1 is the NHWC order (a slice of channels-last keeps it, without being channels-last proper).
            opsSawChannelsLast = part.stride(1) == 1;
            return nn.functional.conv2d(part, weights, padding: [1, 1], groups: 2);
        })!;
        var fromPlain = PartialChannels.Run(plain, k: 4, reduces: false, part => nn.functional.conv2d(part, weights, padding: [1, 1], groups: 2))!;
        using var upstream = randn(2, 8, 5, 5);
        (fromChannelsLast * upstream).sum().backward();
        (fromPlain * upstream).sum().backward();

        Assert.IsFalse(opsSawChannelsLast, "2 channels are fewer than ChannelsLast.MinimumChannels: the ops run NCHW");
        Assert.IsTrue(fromChannelsLast.allclose(fromPlain, rtol: 1e-5, atol: 1e-6), "the layout changed the edge's output");
        Assert.IsTrue(channelsLast.grad!.allclose(plain.grad!, rtol: 1e-5, atol: 1e-6), "the layout changed the input's gradient");
    }

    [TestMethod]
    public void A_reducing_edge_pools_the_bypassed_channels_to_the_ops_resolution_and_a_bad_split_is_refused()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        var x = randn(2, 8, 7, 7);

        var output = PartialChannels.Run(x, k: 4, reduces: true, part => nn.functional.avg_pool2d(part, 3, 2, 1))!;

        CollectionAssert.AreEqual(new long[] { 2, 8, 4, 4 }, output.shape, "ceil(7/2) = 4 on both parts");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => PartialChannels.Run(randn(1, 6, 2, 2), 4, false, p => p)).Message,
            "multiple of K");
    }

    private static float[] Sources(Tensor x) => x[0, .., 0, 0].contiguous().data<float>().ToArray();
}
