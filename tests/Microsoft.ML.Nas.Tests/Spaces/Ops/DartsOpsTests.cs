using Microsoft.ML.Nas.Spaces.Ops;
using static Microsoft.ML.Nas.Tests.Spaces.Ops.OpAssertions;

namespace Microsoft.ML.Nas.Tests.Spaces.Ops;

[TestClass]
public sealed class DartsOpsTests
{
    [TestMethod]
    [DataRow("maxpool")]
    [DataRow("avgpool")]
    [DataRow("skipconnect")]
    [DataRow("sepconv3x3")]
    [DataRow("sepconv5x5")]
    [DataRow("dilconv3x3")]
    [DataRow("dilconv5x5")]
    [DataRow("none")]
    public void Every_op_keeps_the_size_at_stride_1_and_halves_it_at_stride_2(string name)
    {
        using var normal = DartsOps.Create(name, channels: 8, stride: 1);
        using var reduce = DartsOps.Create(name, channels: 8, stride: 2);

        CollectionAssert.AreEqual(new long[] { 2, 8, 28, 28 }, OutputShape(normal, 2, 8, 28, 28));
        CollectionAssert.AreEqual(new long[] { 2, 8, 14, 14 }, OutputShape(reduce, 2, 8, 28, 28));
        // MNIST reaches 7×7 after two reductions: odd sizes round up, the same for every candidate, so they can be summed.
        CollectionAssert.AreEqual(new long[] { 2, 8, 4, 4 }, OutputShape(reduce, 2, 8, 7, 7));
    }

    [TestMethod]
    [DataRow("maxpool", 0, 16)]
    [DataRow("avgpool", 0, 16)]
    [DataRow("skipconnect", 64, 80)]         // stride 2: FactorizedReduce, 2 × (8 × 4) (+ BN 2 × 8)
    [DataRow("sepconv3x3", 272, 304)]        // 2 × (8·9 depthwise + 8·8 pointwise) (+ 2 × BN 2·8)
    [DataRow("sepconv5x5", 528, 560)]        // 2 × (8·25 + 8·8) (+ 2 × 16)
    [DataRow("dilconv3x3", 136, 152)]        // 8·9 + 8·8 (+ 16)
    [DataRow("dilconv5x5", 264, 280)]        // 8·25 + 8·8 (+ 16)
    public void Parameter_counts_match_the_hand_computation(string name, int searchCount, int affineCount)
    {
        using var search = DartsOps.Create(name, channels: 8, stride: 2, affine: false);
        using var retrain = DartsOps.Create(name, channels: 8, stride: 2, affine: true);

        Assert.AreEqual(searchCount, ParameterCount(search), "affine: false");
        Assert.AreEqual(affineCount, ParameterCount(retrain), "affine: true");
    }

    [TestMethod]
    [DataRow("maxpool")]
    [DataRow("avgpool")]
    [DataRow("skipconnect")]
    [DataRow("sepconv3x3")]
    [DataRow("sepconv5x5")]
    [DataRow("dilconv3x3")]
    [DataRow("dilconv5x5")]
    public void Gradients_reach_the_input_and_every_weight(string name)
    {
        foreach (int stride in new[] { 1, 2 })
        {
            using var op = DartsOps.Create(name, channels: 8, stride, affine: true);
            AssertGradientsFlow(op, $"{name} stride {stride}");
        }
    }

    [TestMethod]
    public void Zero_op_passes_a_zero_gradient()
    {
        using var op = DartsOps.Create(DartsOps.None, channels: 8, stride: 2);
        AssertGradientsFlow(op, "none", expectZeroInputGradient: true);
    }

    [TestMethod]
    public void Names_are_nni_order_and_unknown_names_list_the_valid_ones()
    {
        CollectionAssert.AreEqual(new[] { "maxpool", "avgpool", "skipconnect", "sepconv3x3", "sepconv5x5", "dilconv3x3", "dilconv5x5" },
            DartsOps.Names.ToArray());
        var error = Assert.ThrowsExactly<ArgumentException>(() => DartsOps.Create("conv7x7", 8));
        Assert.AreEqual("name", error.ParamName);
        StringAssert.Contains(error.Message, "maxpool, avgpool, skipconnect, sepconv3x3, sepconv5x5, dilconv3x3, dilconv5x5");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DartsOps.Create("sepconv3x3", 8, stride: 3));
    }

    [TestMethod]
    public void Skip_connection_is_identity_at_stride_1()
    {
        using var op = DartsOps.Create(DartsOps.SkipConnect, 8);
        Assert.IsInstanceOfType<Identity>(op);
        using var input = TorchSharp.torch.randn(2, 8, 5, 5);
        using var output = op.call(input);
        Assert.IsTrue(output.eq(input).all().item<bool>());
    }
}
