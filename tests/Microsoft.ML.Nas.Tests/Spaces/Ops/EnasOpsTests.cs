using Microsoft.ML.Nas.Spaces.Ops;
using static Microsoft.ML.Nas.Tests.Spaces.Ops.OpAssertions;

namespace Microsoft.ML.Nas.Tests.Spaces.Ops;

[TestClass]
public sealed class EnasOpsTests
{
    [TestMethod]
    [DataRow("conv3x3", 2432)]     // 1×1: 8·16; 3×3: 16·16·9; BNs without affine
    [DataRow("sepconv3x3", 528)]   // 8·16 + 16·9 + 16·16
    [DataRow("conv5x5", 6528)]     // 8·16 + 16·16·25
    [DataRow("sepconv5x5", 784)]   // 8·16 + 16·25 + 16·16
    [DataRow("avgpool", 128)]      // 8·16
    [DataRow("maxpool", 128)]
    public void Macro_ops_map_channels_keep_the_size_and_have_the_hand_counted_parameters(string name, int parameters)
    {
        using var op = EnasOps.CreateMacro(name, inChannels: 8, outChannels: 16);

        CollectionAssert.AreEqual(new long[] { 2, 16, 28, 28 }, OutputShape(op, 2, 8, 28, 28));
        Assert.AreEqual(parameters, ParameterCount(op));
        AssertGradientsFlow(op, name);
    }

    [TestMethod]
    [DataRow("sepconv3x3", 152)]   // 8·9 + 8·8 + BN 2·8
    [DataRow("sepconv5x5", 280)]   // 8·25 + 8·8 + 16
    [DataRow("avgpool", 0)]
    [DataRow("maxpool", 0)]
    [DataRow("identity", 0)]
    public void Micro_ops_keep_shape_and_have_the_hand_counted_parameters(string name, int parameters)
    {
        using var op = EnasOps.CreateMicro(name, channels: 8);

        CollectionAssert.AreEqual(new long[] { 2, 8, 28, 28 }, OutputShape(op, 2, 8, 28, 28));
        Assert.AreEqual(parameters, ParameterCount(op));
        AssertGradientsFlow(op, name);
    }

    [TestMethod]
    public void Names_are_nni_order_and_unknown_names_list_the_valid_ones()
    {
        CollectionAssert.AreEqual(new[] { "conv3x3", "sepconv3x3", "conv5x5", "sepconv5x5", "avgpool", "maxpool" }, EnasOps.MacroNames.ToArray());
        CollectionAssert.AreEqual(new[] { "sepconv3x3", "sepconv5x5", "avgpool", "maxpool", "identity" }, EnasOps.MicroNames.ToArray());
        var macro = Assert.ThrowsExactly<ArgumentException>(() => EnasOps.CreateMacro("identity", 8, 8));
        StringAssert.Contains(macro.Message, "conv3x3, sepconv3x3, conv5x5, sepconv5x5, avgpool, maxpool");
        var micro = Assert.ThrowsExactly<ArgumentException>(() => EnasOps.CreateMicro("conv3x3", 8));
        StringAssert.Contains(micro.Message, "sepconv3x3, sepconv5x5, avgpool, maxpool, identity");
        Assert.AreEqual("name", micro.ParamName);
    }
}
