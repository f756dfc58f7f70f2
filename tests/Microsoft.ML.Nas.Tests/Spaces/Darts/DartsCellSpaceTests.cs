using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Spaces.Darts;

[TestClass]
public sealed class DartsCellSpaceTests
{
    [TestMethod]
    public void Spec_round_trips_through_json_and_builds_from_the_registry()
    {
        var spec = SearchSpaces.DartsCells(channels: 4, layers: 3, nodes: 2);

        var again = SearchSpaceSpec.FromJson(spec.ToJson());
        using var model = SearchSpaceRegistry.Build(again, new SpaceContext([1, 28, 28], 10));

        Assert.AreEqual(spec, again);
        Assert.AreEqual("darts-cells", again.Kind);
        Assert.IsInstanceOfType<DartsNetwork>(model);
        CollectionAssert.Contains(SearchSpaceRegistry.Kinds.ToList(), "darts-cells");
    }

    [TestMethod]
    public void Keys_follow_nni_and_are_shared_by_cells_of_a_type()
    {
        using var model = new DartsNetwork(1, 28, 4, 10, layers: 5, nodes: 4);
        var space = ModelSearchSpace.Of(model);

        var keys = space.Decisions.Select(d => d.Key).ToList();
        // Per cell type: 2+3+4+5 edges and 4 switches.
        Assert.HasCount(2 * (14 + 4), keys);
        CollectionAssert.Contains(keys, "normal_n2_p0");
        CollectionAssert.Contains(keys, "normal_n5_p4");
        CollectionAssert.Contains(keys, "reduce_n3_switch");
        Assert.AreEqual(3, space["normal_n2_p1"].Mutables.Count, "the 3 normal cells of 5 layers share normal_n2_p1");
        Assert.AreEqual(2, space["reduce_n4_p0"].Mutables.Count, "the 2 reduction cells share reduce_n4_p0");
        CollectionAssert.AreEqual(new[] { "maxpool", "avgpool", "skipconnect", "sepconv3x3", "sepconv5x5", "dilconv3x3", "dilconv5x5" },
            space["normal_n2_p0"].CandidateNames.ToArray());
        Assert.AreEqual(2, space["normal_n4_switch"].NChosen);
    }

    [TestMethod]
    public void Output_shape_is_logits_and_reductions_halve_the_resolution_at_a_third_and_two_thirds()
    {
        using var model = new DartsNetwork(1, 28, 4, 10, layers: 3, nodes: 2);
        using var mutator = new RandomMutator(model, seed: 1);
        using var scope = NewDisposeScope();
        mutator.Reset();

        var logits = model.call(randn(2, 1, 28, 28));

        CollectionAssert.AreEqual(new long[] { 2, 10 }, logits.shape);
        CollectionAssert.AreEqual(new[] { false, true, true }, model.Cells.Select(c => c.Reduction).ToArray());
        CollectionAssert.AreEqual(new[] { 8, 16, 32 }, model.Cells.Select(c => c.OutputChannels).ToArray());
    }

    [TestMethod]
    public void Parameter_count_matches_a_hand_count_of_the_smallest_space()
    {
        // 1 reduction cell, C = 2 → 4 node channels, 2 nodes, stem 1·C, 1 input channel, 3 classes (BNs of ops not affine):
        // stem 18 + BN 4; preprocessing 1×1 convs 2·(2·4); per stride-1 edge sepconv3 104 + sepconv5 232 + dilconv3 52 +
        // dilconv5 116 = 504, a stride-2 edge adds FactorizedReduce 16; node 2: 2 stride-2 edges, node 3: 2 + 1 stride-1;
        // classifier 8·3 + 3.
        long expected = 22 + 16 + (2 * 520) + (2 * 520 + 504) + 27;
        using var model = new DartsNetwork(1, 8, 2, 3, layers: 1, nodes: 2, stemMultiplier: 1);

        long count = model.parameters().Sum(p => p.numel());

        Assert.AreEqual(expected, count);
    }

    [TestMethod]
    public void Auxiliary_head_gives_logits_in_training_only()
    {
        var spec = SearchSpaces.DartsCells(channels: 2, layers: 3, nodes: 2, auxiliary: true);
        using var model = SearchSpaceRegistry.Build(spec, new SpaceContext([1, 28, 28], 10));
        using var mutator = new RandomMutator(model, seed: 2);
        using var scope = NewDisposeScope();
        var head = (IAuxiliaryHeadModel)model;
        mutator.Reset();

        var (logits, auxiliary) = head.ForwardWithAuxiliary(randn(2, 1, 28, 28));
        model.eval();
        var (_, none) = head.ForwardWithAuxiliary(randn(2, 1, 28, 28));

        Assert.IsTrue(head.HasAuxiliaryHead);
        CollectionAssert.AreEqual(new long[] { 2, 10 }, logits.shape);
        CollectionAssert.AreEqual(new long[] { 2, 10 }, auxiliary!.shape);
        Assert.IsNull(none);
    }

    [TestMethod]
    public void Flat_samples_are_refused_with_a_message_that_asks_for_an_image_shape()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(SearchSpaces.DartsCells(4, 3), new SpaceContext([784], 10)));

        StringAssert.Contains(error.Message, "image");
    }
}
