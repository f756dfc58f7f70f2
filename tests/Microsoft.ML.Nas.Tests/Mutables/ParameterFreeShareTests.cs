using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Mutables;

/// <summary>The share of layer choices that chose a candidate without parameters, which the ENAS history records per epoch.</summary>
[TestClass]
public sealed class ParameterFreeShareTests
{
    [TestMethod]
    public void Candidates_without_parameters_count_and_input_choices_do_not()
    {
        using var model = new TwoChoices();
        var space = ModelSearchSpace.Of(model);
        double Share(bool[] a, bool[] b) => space.ParameterFreeShare(key => key switch
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
