using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Mutables;

/// <summary>The share of layer choices that chose a pool or a skip, which the ENAS history records per epoch.</summary>
[TestClass]
public sealed class PoolOrSkipShareTests
{
    [TestMethod]
    public void Pools_and_skips_count_dense_layers_do_not_and_input_choices_are_not_counted()
    {
        using var model = new TwoChoices();
        var space = ModelSearchSpace.Of(model);
        double Share(bool[] a, bool[] b) => space.PoolOrSkipShare(key => key switch
        {
            "a" => a,
            "b" => b,
            _ => [true, false],
        });

        Assert.AreEqual(0.0, Share([true, false], [false, true]), "linear and linear");
        Assert.AreEqual(0.5, Share([false, true], [false, true]), "identity and linear");
        Assert.AreEqual(0.5, Share([true, false], [true, false]), "linear and ReLU");
        Assert.AreEqual(1.0, Share([false, true], [true, false]), "identity and ReLU");
    }

    [TestMethod]
    public void A_pool_behind_a_pointwise_projection_is_a_pool_and_a_wider_kernel_is_a_filter()
    {
        using var scope = NewDisposeScope();
        Assert.IsTrue(ModelSearchSpace.IsPoolOrSkip(nn.Sequential(nn.Conv2d(8, 8, 1), nn.BatchNorm2d(8), nn.MaxPool2d(3, 1, 1))), "ENAS macro's pool");
        Assert.IsTrue(ModelSearchSpace.IsPoolOrSkip(nn.AvgPool2d(3, 1, 1)));
        Assert.IsFalse(ModelSearchSpace.IsPoolOrSkip(nn.Sequential(nn.Conv2d(8, 8, 3, padding: 1), nn.BatchNorm2d(8))), "a 3×3 convolution");
        Assert.IsFalse(ModelSearchSpace.IsPoolOrSkip(nn.Conv2d(8, 8, 3, padding: 1, groups: 8)), "a depthwise 3×3 convolution");
        Assert.IsFalse(ModelSearchSpace.IsPoolOrSkip(nn.Linear(4, 4)), "a dense layer");
    }

    private sealed class TwoChoices : nn.Module<Tensor, Tensor>
    {
        private readonly LayerChoice a = new([nn.Linear(4, 4), nn.Identity()], key: "a");
        private readonly LayerChoice b = new(new Dictionary<string, nn.Module<Tensor, Tensor>> { ["relu"] = nn.ReLU(), ["linear"] = nn.Linear(4, 4) }, key: "b");
        private readonly InputChoice merge = new(["a", "b"], nChosen: 1, key: "merge");

        public TwoChoices() : base(nameof(TwoChoices)) => RegisterComponents();

        public override Tensor forward(Tensor input) =>
            merge.Choose([a.Choose(input).Output, b.Choose(input).Output]).Output ?? input;
    }
}
