using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Tests.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Architectures;

[TestClass]
public sealed class FixedArchitectureTests
{
    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());

    [TestMethod]
    public void Pruning_to_one_candidate_drops_the_others_and_the_candidate_level_of_paths()
    {
        using var model = new TinyNet();
        long stem = 4 * 8 + 8, big = (8 * 16 + 16) + (16 * 8 + 8), secondNoBias = 8 * 8, head = 8 * 3 + 3;
        FixedArchitecture.Apply(model, Architecture.FromJson("""{"LayerChoice1": "big", "InputChoice2": [0, 1], "LayerChoice3": 1}"""));

        Assert.AreEqual(stem + big + secondNoBias + head, Count(model));
        var keys = model.state_dict().Keys.Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(new[] { "first.0.bias", "first.0.weight", "first.2.bias", "first.2.weight", "head.bias", "head.weight", "second.weight", "stem.bias", "stem.weight" }, keys);
        CollectionAssert.AreEqual(keys, model.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal).ToArray());
        Assert.IsTrue(model.First.IsFixed);
        Assert.IsEmpty(ModelSearchSpace.Of(model).Decisions, "A pruned model has no decisions left.");

        using var scope = NewDisposeScope();
        CollectionAssert.AreEqual(new long[] { 2, 3 }, model.call(ones(2, 4)).shape);
        model.load_state_dict(model.state_dict().ToDictionary(e => e.Key, e => e.Value.clone()));
    }

    [TestMethod]
    public void Build_makes_the_pruned_network_of_a_spec_and_refuses_an_architecture_of_another_space()
    {
        var spec = SearchSpaces.Mlp(layers: 2, hidden: 16, widths: [8, 24]);
        var context = new SpaceContext([12], 3);
        Architecture architecture;
        using (var supernet = SearchSpaceRegistry.Build(spec, context))
        using (var mutator = new RandomMutator(supernet, seed: 4))
        {
            architecture = mutator.Export();
        }

        random.manual_seed(3);
        using var built = FixedArchitecture.Build(spec, context, architecture);
        random.manual_seed(3);
        using var byHand = SearchSpaceRegistry.Build(spec, context);
        FixedArchitecture.Apply(byHand, architecture);

        var expected = byHand.state_dict();
        var actual = built.state_dict();
        CollectionAssert.AreEqual(expected.Keys.ToArray(), actual.Keys.ToArray());
        Assert.IsTrue(expected.All(e => e.Value.eq(actual[e.Key]).all().item<bool>()), "the same network, from the same seed");
        Assert.IsEmpty(ModelSearchSpace.Of(built).Decisions, "Build prunes: no decision is left.");
        Assert.ThrowsExactly<ArchitectureException>(() => FixedArchitecture.Build(spec, context, Architecture.FromJson("""{"elsewhere": 0}""")));
    }

    [TestMethod]
    public void Several_chosen_candidates_keep_their_paths_and_only_they_remain()
    {
        using var model = new TinyNet();
        FixedArchitecture.Apply(model, Architecture.FromJson("""{"LayerChoice1": ["small", "pool"], "InputChoice2": [1], "LayerChoice3": [true, true]}"""));
        var keys = model.state_dict().Keys.ToList();
        CollectionAssert.IsSubsetOf(new[] { "first.small.weight", "second.0.bias", "second.1.weight" }, keys);
        Assert.IsFalse(keys.Any(k => k.StartsWith("first.big", StringComparison.Ordinal)));
        Assert.HasCount(2, model.First.Candidates);
        Assert.AreEqual(4 * 8 + 8 + (8 * 8 + 8) + (8 * 8 + 8) + 8 * 8 + 8 * 3 + 3, Count(model));
    }

    [TestMethod]
    public void An_empty_choice_removes_every_candidate_and_gives_no_output()
    {
        using var model = new Bag(new LayerChoice([nn.Linear(2, 2), nn.Linear(2, 2)], key: "edge"));
        FixedArchitecture.Apply(model, Architecture.FromJson("""{"edge": []}"""));
        Assert.IsEmpty(model.state_dict());
        var edge = (LayerChoice)model.named_children().Single().module;
        using var scope = NewDisposeScope();
        Assert.IsFalse(edge.Choose(ones(1, 2)).HasOutput);
    }

    [TestMethod]
    public void The_pruned_model_computes_what_the_supernet_computes_under_the_same_decisions()
    {
        string[] architectures =
        [
            """{"LayerChoice1": "big", "InputChoice2": [0, 1], "LayerChoice3": 0}""",
            """{"LayerChoice1": ["small", "big"], "InputChoice2": [1], "LayerChoice3": [false, true]}""",
            """{"LayerChoice1": [0.5, 0.0, 0.25], "InputChoice2": [0.75, 0.5], "LayerChoice3": [0.0, 2.0]}""",
        ];
        foreach (var json in architectures)
        {
            using var scope = NewDisposeScope();
            using var supernet = new TinyNet();
            using var mutator = new RandomMutator(supernet, seed: 5);
            var architecture = Architecture.FromJson(json);
            mutator.SetDecisions(architecture);
            var input = randn(6, 4, generator: new Generator(11));
            var expected = supernet.call(input);

            using var pruned = new TinyNet();
            FixedArchitecture.Apply(pruned, architecture, inheritFrom: supernet);
            var actual = pruned.call(input);
            Assert.IsTrue(actual.allclose(expected, rtol: 0, atol: 1e-6), json);
        }
    }

    [TestMethod]
    public void Weights_are_inherited_through_Sequential_ModuleList_and_shared_keys_with_buffers()
    {
        using var scope = NewDisposeScope();
        using var supernet = new SharedNet();
        using var mutator = new RandomMutator(supernet, seed: 1);
        using (no_grad())
        {
            supernet.call(randn(8, 3)); // BatchNorm running statistics become non-trivial.
        }
        supernet.eval();
        var architecture = Architecture.FromJson("""{"op": "wide"}""");
        mutator.SetDecisions(architecture);
        var input = randn(4, 3);
        var expected = supernet.call(input);

        using var pruned = new SharedNet();
        FixedArchitecture.Apply(pruned, architecture, inheritFrom: supernet);
        pruned.eval();
        var keys = pruned.state_dict().Keys.ToList();
        CollectionAssert.IsSubsetOf(new[] { "front.1.0.weight", "front.1.1.bias", "inner.layers.1.0.weight", "inner.layers.2.running_mean" }, keys);
        Assert.IsFalse(keys.Any(k => k.Contains("wide", StringComparison.Ordinal) || k.Contains("narrow", StringComparison.Ordinal)));
        Assert.IsTrue(pruned.call(input).allclose(expected, rtol: 0, atol: 1e-6));
    }

    [TestMethod]
    public void A_pruned_model_moves_to_another_dtype_and_follows_train_and_eval()
    {
        using var model = new Bag(new LayerChoice(new Dictionary<string, nn.Module<Tensor, Tensor>> { ["drop"] = nn.Dropout(), ["lin"] = nn.Linear(2, 2) }, key: "op"));
        FixedArchitecture.Apply(model, Architecture.FromJson("""{"op": "drop"}"""));
        var drop = ((LayerChoice)model.named_children().Single().module).Candidates[0];
        model.eval();
        Assert.IsFalse(drop.training);
        model.train();
        Assert.IsTrue(drop.training);

        using var linear = new Bag(new LayerChoice(new Dictionary<string, nn.Module<Tensor, Tensor>> { ["drop"] = nn.Dropout(), ["lin"] = nn.Linear(2, 2) }, key: "op"));
        FixedArchitecture.Apply(linear, Architecture.FromJson("""{"op": "lin"}"""));
        linear.to(ScalarType.Float64);
        Assert.IsTrue(linear.parameters().All(p => p.dtype == ScalarType.Float64));
        CollectionAssert.AreEquivalent(new[] { "0.weight", "0.bias" }, linear.state_dict().Keys.ToArray());
        using var scope = NewDisposeScope();
        var choice = (LayerChoice)linear.named_children().Single().module;
        Assert.AreEqual(ScalarType.Float64, choice.call(ones(1, 2, dtype: ScalarType.Float64)).dtype);
    }

    [TestMethod]
    public void Inheriting_from_a_supernet_that_does_not_match_names_the_missing_entry_and_leaves_the_model_unchanged()
    {
        using var model = new TinyNet();
        using var other = new SharedNet();
        var error = Assert.ThrowsExactly<ArgumentException>(() => FixedArchitecture.Apply(model,
            Architecture.FromJson("""{"LayerChoice1": "big", "InputChoice2": [0, 1], "LayerChoice3": 1}"""), inheritFrom: other));
        StringAssert.Contains(error.Message, "The supernet to inherit weights from has no '");
        Assert.IsFalse(model.First.IsFixed);
    }
}
