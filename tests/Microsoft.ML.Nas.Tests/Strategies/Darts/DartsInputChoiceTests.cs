using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Darts;

/// <summary>
/// An InputChoice whose inputs are not LayerChoice keys gets alphas of its own: a softmax-weighted sum in search, and
/// its nChosen strongest inputs at export.
/// </summary>
[TestClass]
public sealed class DartsInputChoiceTests
{
    private static void Set(DartsMutator mutator, string key, double[] values)
    {
        using var noGrad = no_grad();
        mutator.Alphas[key].copy_(tensor(values).to(ScalarType.Float32));
    }

    [TestMethod]
    public void Export_keeps_the_nChosen_inputs_with_the_largest_weights()
    {
        using var model = new AnonymousInputsNet(nChosen: 2);
        using var mutator = new DartsMutator(model);
        Set(mutator, "pick", [0.5, -1.0, 2.0]);

        var architecture = mutator.Export();

        Assert.AreEqual(ArchitectureChoice.OfIndices(0, 2), architecture["pick"]);
        Assert.AreEqual(3L, mutator.Alphas["pick"].shape[0], "one alpha per input, no 'none' entry");
        using var fresh = new AnonymousInputsNet(nChosen: 2);
        FixedArchitecture.Apply(fresh, architecture);
    }

    [TestMethod]
    public void Search_output_is_the_softmax_weighted_sum_of_the_inputs_and_its_gradient_reaches_the_alphas()
    {
        using var model = new AnonymousInputsNet(nChosen: 1);
        using var mutator = new DartsMutator(model);
        Set(mutator, "op", [0, 50, 0]);                  // op ≈ doubling
        Set(mutator, "pick", [0, Math.Log(2), Math.Log(3)]); // weights 1/6, 2/6, 3/6
        mutator.Reset();

        using var output = model.call(ones(1, 1));
        output.sum().backward();

        Assert.AreEqual((1.0 + 2 * 2 + 3 * 2) / 6, output.ToDouble(), 1e-4);
        Assert.IsGreaterThan(0.0, mutator.Alphas["pick"].grad!.abs().sum().ToDouble());
        CollectionAssert.Contains(mutator.ArchitectureParameters.ToList(), mutator.Alphas["pick"], "the architecture optimizer updates it");
    }

    [TestMethod]
    public void An_any_subset_choice_sums_every_input_and_keeps_them_all_as_NNI_does()
    {
        using var model = new AnonymousInputsNet(nChosen: null, reduction: Reduction.Mean);
        using var mutator = new DartsMutator(model);
        Set(mutator, "op", [50, 0, 0]);                  // op ≈ identity

        using var output = model.call(ones(1, 1));

        Assert.IsFalse(mutator.Alphas.ContainsKey("pick"));
        Assert.AreEqual((1.0 + 2 + 1) / 3, output.ToDouble(), 1e-4, "the choice's own reduction (mean) applies");
        Assert.AreEqual(ArchitectureChoice.OfIndices(0, 1, 2), mutator.Export()["pick"]);
    }

    [TestMethod]
    public void Concatenating_several_inputs_ranked_by_own_alphas_is_refused_naming_the_choice()
    {
        using var model = new AnonymousInputsNet(nChosen: 2, reduction: Reduction.Concat);

        var error = Assert.ThrowsExactly<ArgumentException>(() => new DartsMutator(model));

        StringAssert.Contains(error.Message, "'pick' concatenates the 2 inputs");
    }
}
