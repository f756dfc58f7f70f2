using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Mutables;

[TestClass]
public sealed class InputChoiceTests
{
    private static Tensor[] Inputs() => [torch.full(1, 2, 1f), torch.full(1, 2, 10f), torch.full(1, 2, 100f)];

    [TestMethod]
    public void A_list_is_chosen_from_in_order_and_reduced()
    {
        using var scope = NewDisposeScope();
        var choice = new InputChoice(3, key: "in");
        Assert.AreEqual(101f, choice.Run(Inputs(), torch.tensor(new[] { true, false, true })).Output![0, 0].item<float>());
        var mean = new InputChoice(3, reduction: Reduction.Mean, key: "in");
        Assert.AreEqual(55f, mean.Run(Inputs(), torch.tensor(new[] { false, true, true })).Output![0, 0].item<float>());
        var concat = new InputChoice(3, reduction: Reduction.Concat, key: "in");
        CollectionAssert.AreEqual(new long[] { 1, 4 }, concat.Run(Inputs(), torch.tensor(new[] { true, true, false })).Output!.shape);
        var none = new InputChoice(3, reduction: Reduction.None, key: "in");
        Assert.HasCount(3, none.Run(Inputs(), torch.tensor(new[] { true, true, true })).Outputs);
    }

    [TestMethod]
    public void A_map_is_chosen_from_by_chooseFrom_keys()
    {
        using var scope = NewDisposeScope();
        var model = new ScopedNet();
        using var mutator = new RandomMutator(model, seed: 3);
        using var mask = torch.tensor(new[] { false, true });
        mutator.SetDecision("pick", mask);
        var inputs = Inputs();
        var output = model.Pick.forward(new Dictionary<string, Tensor> { ["layer0"] = inputs[0], ["layer1"] = inputs[1] });
        Assert.AreEqual(10f, output[0, 0].item<float>());

        var error = Assert.ThrowsExactly<ArgumentException>(() => model.Pick.forward(new Dictionary<string, Tensor> { ["layer0"] = inputs[0] }));
        StringAssert.Contains(error.Message, "InputChoice 'pick' chooses from layer0, layer1; inputs missing: [layer1]");
    }

    [TestMethod]
    public void A_null_input_is_no_output_and_is_skipped()
    {
        using var scope = NewDisposeScope();
        var choice = new InputChoice(3, key: "in");
        var inputs = Inputs();
        var result = choice.Run([inputs[0], null, inputs[2]], torch.tensor(new[] { true, true, true }));
        Assert.HasCount(2, result.Outputs);
        Assert.AreEqual(101f, result.Output![0, 0].item<float>());
    }

    [TestMethod]
    public void The_wrong_number_of_inputs_is_rejected_naming_the_key()
    {
        using var scope = NewDisposeScope();
        var choice = new InputChoice(3, key: "in");
        var error = Assert.ThrowsExactly<ArgumentException>(() => choice.Run(Inputs()[..2], torch.tensor(new[] { true, true, true })));
        StringAssert.Contains(error.Message, "InputChoice 'in' chooses among 3 inputs, but 2 were passed");
    }

    [TestMethod]
    public void nChosen_must_fit_the_number_of_candidates()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new InputChoice(2, nChosen: 3, key: "in"));
        StringAssert.Contains(error.Message, "'in': nChosen must be null (any subset) or between 1 and 2");
    }
}
