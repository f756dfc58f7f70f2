using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Mutables;

[TestClass]
public sealed class LayerChoiceTests
{
    private static readonly float[] Input = [1f, 2f];

    private static (LayerChoice Choice, Scale[] Candidates) Choice(Reduction reduction, bool returnMask = false)
    {
        Scale[] candidates = [new Scale(2f), new Scale(3f), new Scale(5f)];
        return (new LayerChoice(candidates, reduction, returnMask, key: "op"), candidates);
    }

    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    private static ChoiceOutput Run(LayerChoice choice, params bool[] mask)
    {
        using var m = tensor(mask);
        return choice.Run(torch.tensor(Input).unsqueeze(0), m);
    }

    [TestMethod]
    public void Sum_adds_the_selected_outputs_and_skips_the_others()
    {
        var (choice, candidates) = Choice(Reduction.Sum);
        using var scope = NewDisposeScope();
        var output = Run(choice, true, false, true).Output!;
        CollectionAssert.AreEqual(new[] { 7f, 14f }, Values(output));
        Assert.AreEqual(0, candidates[1].Calls, "An unselected candidate must not run.");
    }

    [TestMethod]
    public void Mean_averages_the_selected_outputs()
    {
        var (choice, _) = Choice(Reduction.Mean);
        using var scope = NewDisposeScope();
        CollectionAssert.AreEqual(new[] { 3.5f, 7f }, Values(Run(choice, true, false, true).Output!));
    }

    [TestMethod]
    public void Concat_joins_the_selected_outputs_along_dimension_one()
    {
        var (choice, _) = Choice(Reduction.Concat);
        using var scope = NewDisposeScope();
        var output = Run(choice, false, true, true).Output!;
        CollectionAssert.AreEqual(new long[] { 1, 4 }, output.shape);
        CollectionAssert.AreEqual(new[] { 3f, 6f, 5f, 10f }, Values(output));
    }

    [TestMethod]
    public void None_returns_the_selected_outputs_as_a_list_and_forward_says_to_use_Choose()
    {
        var (choice, _) = Choice(Reduction.None);
        using var scope = NewDisposeScope();
        var result = Run(choice, true, true, false);
        Assert.IsNull(result.Output);
        Assert.HasCount(2, result.Outputs);
        CollectionAssert.AreEqual(new[] { 3f, 6f }, Values(result.Outputs[1]));

        using var mutator = new RandomMutator(choice, seed: 1);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => choice.call(torch.ones(1, 2)));
        StringAssert.Contains(error.Message, "'op' has reduction None");
    }

    [TestMethod]
    public void A_single_selection_is_returned_as_it_is_whatever_the_reduction()
    {
        foreach (var reduction in new[] { Reduction.Sum, Reduction.Mean, Reduction.Concat })
        {
            var (choice, _) = Choice(reduction);
            using var scope = NewDisposeScope();
            var result = Run(choice, false, false, true);
            Assert.AreSame(result.Outputs[0], result.Output, $"{reduction}");
            CollectionAssert.AreEqual(new[] { 5f, 10f }, Values(result.Output!));
        }
    }

    [TestMethod]
    public void Float_weights_scale_each_output_and_skip_zero_weights_with_gradients_reaching_the_weights()
    {
        var (choice, candidates) = Choice(Reduction.Sum);
        using var scope = NewDisposeScope();
        var weights = torch.tensor(new[] { 0.5f, 0f, 0.25f }, requires_grad: true);
        var output = choice.Run(torch.tensor(Input).unsqueeze(0), weights).Output!;
        CollectionAssert.AreEqual(new[] { 2.25f, 4.5f }, Values(output));
        Assert.AreEqual(0, candidates[1].Calls);
        output.sum().backward();
        CollectionAssert.AreEqual(new[] { 6f, 0f, 15f }, Values(weights.grad!));
    }

    [TestMethod]
    public void An_empty_selection_is_no_output_and_forward_explains_how_to_handle_it()
    {
        var (choice, candidates) = Choice(Reduction.Sum);
        using var scope = NewDisposeScope();
        var result = Run(choice, false, false, false);
        Assert.IsFalse(result.HasOutput);
        Assert.IsNull(result.Output);
        Assert.IsTrue(candidates.All(c => c.Calls == 0));

        using var mutator = new RandomMutator(choice, seed: 1);
        using var none = tensor(new[] { false, false, false });
        mutator.SetDecision("op", none);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => choice.call(torch.ones(1, 2)));
        StringAssert.Contains(error.Message, "'op' selected no candidate");
    }

    [TestMethod]
    public void Return_mask_returns_the_decision_with_the_outputs()
    {
        var (choice, _) = Choice(Reduction.Sum, returnMask: true);
        using var scope = NewDisposeScope();
        var result = Run(choice, false, true, false);
        CollectionAssert.AreEqual(new[] { false, true, false }, result.Mask!.data<bool>().ToArray());
        Assert.IsNull(Choice(Reduction.Sum).Choice.Run(torch.ones(1, 2), torch.tensor(new[] { true, false, false })).Mask);
    }

    [TestMethod]
    public void A_mask_of_the_wrong_length_or_type_is_rejected_naming_the_key()
    {
        var (choice, _) = Choice(Reduction.Sum);
        using var scope = NewDisposeScope();
        var error = Assert.ThrowsExactly<ArgumentException>(() => choice.Run(torch.ones(1, 2), torch.tensor(new[] { true, false })));
        StringAssert.Contains(error.Message, "LayerChoice 'op' has 3 candidates");
        error = Assert.ThrowsExactly<ArgumentException>(() => choice.Run(torch.ones(1, 2), torch.tensor(new[] { 1, 0, 0 })));
        StringAssert.Contains(error.Message, "must be bool");
    }

    [TestMethod]
    public void Running_a_model_with_mutables_but_no_mutator_fails_clearly()
    {
        using var model = new TinyNet();
        _ = ModelSearchSpace.Of(model);
        using var scope = NewDisposeScope();
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => model.call(torch.ones(2, 4)));
        StringAssert.Contains(error.Message, "LayerChoice 'LayerChoice1' has no decision: the model has mutables but no mutator");
    }

    [TestMethod]
    public void Candidates_are_registered_under_their_names()
    {
        using var model = new TinyNet();
        var names = model.named_parameters().Select(p => p.name).ToList();
        CollectionAssert.IsSubsetOf(new[] { "first.small.weight", "first.big.0.weight", "second.0.weight", "second.1.weight" }, names);
    }
}
