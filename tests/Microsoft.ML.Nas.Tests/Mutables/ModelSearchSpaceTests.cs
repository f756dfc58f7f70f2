using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Mutables;

[TestClass]
public sealed class ModelSearchSpaceTests
{
    [TestMethod]
    public void Automatic_keys_are_NNI_keys_and_the_same_for_every_fresh_instance()
    {
        using var first = new TinyNet();
        using var second = new TinyNet();
        string[] expected = ["LayerChoice1", "InputChoice2", "LayerChoice3"];
        // Walk the second instance first: keys must not depend on walk or construction order across models.
        CollectionAssert.AreEqual(expected, ModelSearchSpace.Of(second).Decisions.Select(d => d.Key).ToArray());
        CollectionAssert.AreEqual(expected, ModelSearchSpace.Of(first).Decisions.Select(d => d.Key).ToArray());
    }

    [TestMethod]
    public void Explicit_keys_do_not_take_a_number()
    {
        using var model = new TinyNet(firstKey: "stem_op");
        CollectionAssert.AreEqual(new[] { "stem_op", "InputChoice1", "LayerChoice2" }, ModelSearchSpace.Of(model).Decisions.Select(d => d.Key).ToArray());
    }

    [TestMethod]
    public void Mutables_sharing_a_key_share_one_decision()
    {
        using var model = new SharedNet();
        var space = ModelSearchSpace.Of(model);
        Assert.AreEqual(1, space.DecisionCount);
        CollectionAssert.AreEqual(new[] { "front.1", "inner.layers.1" }, space["op"].Paths.ToArray());

        using var mutator = new RandomMutator(model, seed: 0);
        using var narrow = torch.tensor(new[] { false, true });
        mutator.SetDecision("op", narrow);
        var wide = model.named_modules().Where(m => m.name.EndsWith(".wide", StringComparison.Ordinal)).Select(m => m.module).ToList();
        Assert.HasCount(2, wide);
        var calls = 0;
        foreach (var module in wide)
        {
            ((nn.Module<Tensor, Tensor>)module).register_forward_hook((_, _, output) => { calls++; return output; });
        }
        using var scope = NewDisposeScope();
        model.call(torch.ones(2, 3));
        Assert.AreEqual(0, calls, "Both mutables follow the one decision 'narrow'.");
        mutator.SetDecision("op", torch.tensor(new[] { true, false }));
        model.call(torch.ones(2, 3));
        Assert.AreEqual(2, calls);
    }

    [TestMethod]
    public void Mutables_sharing_a_key_must_agree_on_their_candidates()
    {
        using var model = nn.Sequential(SharedNet.Op(), new LayerChoice([nn.Identity()], key: "op"));
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => ModelSearchSpace.Of(model));
        StringAssert.Contains(error.Message, "Mutables sharing key 'op' must choose among the same candidates");
        StringAssert.Contains(error.Message, "at '1' has 1 candidates [0]");
    }

    [TestMethod]
    public void Nested_mutables_are_rejected_naming_both_keys()
    {
        var inner = new LayerChoice([nn.Identity(), nn.ReLU()], key: "inner");
        using var model = nn.Sequential(new LayerChoice(new nn.Module<Tensor, Tensor>[] { nn.Sequential(nn.Identity(), inner), nn.Identity() }, key: "outer"));
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => ModelSearchSpace.Of(model));
        Assert.AreEqual("Cannot have nested search space: the LayerChoice 'inner' at '0.0.1' is inside a candidate of LayerChoice 'outer' at '0'.", error.Message);
    }

    [TestMethod]
    public void A_chooseFrom_key_must_name_an_earlier_mutable_or_scope()
    {
        using var model = new Bag(new LayerChoice([nn.Identity()], key: "a"), new InputChoice(["a", "later"], key: "pick"), new LayerChoice([nn.Identity()], key: "later"));
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => ModelSearchSpace.Of(model));
        Assert.AreEqual("InputChoice 'pick' at '1' chooses from 'later', which names no mutable or scope registered before it (earlier keys: a).", error.Message);
    }

    [TestMethod]
    public void Scopes_form_a_tree_in_registration_order_and_mutators_see_them_entered_and_left()
    {
        using var model = new ScopedNet();
        var space = ModelSearchSpace.Of(model);
        CollectionAssert.AreEqual(new[] { "layer0", "layer1", "pick" }, space.Roots.Select(r => r.Mutable.Key).ToArray());
        CollectionAssert.AreEqual(new[] { "LayerChoice1" }, space.Roots[0].Children.Select(c => c.Mutable.Key).ToArray());
        Assert.AreEqual("layer1.op", space.Roots[1].Children[0].Path);
        CollectionAssert.AreEqual(new[] { "LayerChoice1", "LayerChoice2", "pick" }, space.Decisions.Select(d => d.Key).ToArray());

        using var mutator = new RecordingMutator(model);
        using var scope = NewDisposeScope();
        model.call(torch.ones(1, 4));
        CollectionAssert.AreEqual(new[] { "enter layer0", "LayerChoice1", "exit layer0", "enter layer1", "LayerChoice2", "exit layer1", "pick" }, mutator.Events);
    }

    [TestMethod]
    public void The_summary_counts_decisions_candidates_and_the_size_of_the_space()
    {
        using var model = new TinyNet(nChosen: 1);
        var space = ModelSearchSpace.Of(model);
        Assert.AreEqual(3, space.DecisionCount);
        CollectionAssert.AreEqual(new[] { 3, 2, 2 }, space.Decisions.Select(d => d.CandidateCount).ToArray());
        Assert.AreEqual(Math.Log10(3 * 2 * 2), space.Log10Size, 1e-12);
        using var any = new TinyNet();
        Assert.AreEqual(Math.Log10(3 * 4 * 2), ModelSearchSpace.Of(any).Log10Size, 1e-12);
        StringAssert.StartsWith(space.Summary(), "3 decisions, about 10^1.08 architectures");
        StringAssert.Contains(space.Summary(), "LayerChoice1: LayerChoice of 3: small, big, pool");
    }

    private sealed class RecordingMutator(nn.Module model) : RandomMutator_(model)
    {
        public List<string> Events { get; } = [];

        protected internal override void OnEnterScope(IMutable scope) => Events.Add($"enter {scope.Key}");

        protected internal override void OnExitScope(IMutable scope) => Events.Add($"exit {scope.Key}");

        protected internal override Tensor MaskFor(DecisionInfo decision)
        {
            Events.Add(decision.Key);
            return base.MaskFor(decision);
        }
    }

    /// <summary>A mutator that chooses the first candidate of everything.</summary>
    private class RandomMutator_ : Mutator
    {
        public RandomMutator_(nn.Module model)
            : base(model) => Reset();

        public override void Reset()
        {
            foreach (var d in Decisions)
            {
                using var mask = torch.tensor(Enumerable.Range(0, d.CandidateCount).Select(i => i == 0).ToArray());
                SetDecision(d.Key, mask);
            }
        }
    }
}
