using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Enas;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Spaces.Enas;

[TestClass]
public sealed class EnasMacroNetworkTests
{
    private static readonly SpaceContext Mnist = new([1, 28, 28], 10);
    private static readonly SpaceContext Cifar = new([3, 32, 32], 10);

    private static long Parameters(nn.Module model) => model.parameters().Sum(p => p.numel());

    // Hand count for C filters: each op opens with a 1×1 conv (C²); BN without affine has no parameters.
    private static long LayerParameters(long c) =>
        (c * c + 9 * c * c) + (2 * c * c + 9 * c) + (c * c + 25 * c * c) + (2 * c * c + 25 * c) + c * c + c * c;

    [TestMethod]
    [DataRow(3, 4, 1, 10)]
    [DataRow(6, 16, 1, 10)]
    [DataRow(6, 16, 3, 10)]
    public void The_supernet_has_the_hand_counted_parameters(int layers, int filters, int inputChannels, int classes)
    {
        using var model = (EnasMacroNetwork)SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(layers, filters), new SpaceContext([inputChannels, 28, 28], classes));
        long c = filters;
        long stem = inputChannels * c * 9 + 2 * c;
        // A factorized reduction (two 1×1 convs to C/2 each, C²) for each output so far at each reduction point.
        long reductions = model.ReductionAfter.Sum(after => after + 1) * c * c;
        long classifier = c * classes + classes;
        Assert.AreEqual(stem + layers * LayerParameters(c) + reductions + classifier, Parameters(model));

        // NNI's layout: one per reduction point, under the path saved models have.
        using var nni = (EnasMacroNetwork)SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(layers, filters, sharedReductions: true), new SpaceContext([inputChannels, 28, 28], classes));
        Assert.IsTrue(nni.SharedReductions);
        Assert.AreEqual(Parameters(model) - reductions + nni.ReductionAfter.Count * c * c, Parameters(nni));
        Assert.IsTrue(nni.state_dict().ContainsKey("reductions.0.conv1.weight"));
        Assert.IsTrue(model.state_dict().ContainsKey($"reductions.1.{model.ReductionAfter[1]}.conv1.weight"));
    }

    [TestMethod]
    public void A_spec_without_reductions_is_nnis_layout_so_models_saved_before_the_choice_still_load()
    {
        Assert.AreEqual("per-input", SearchSpaces.EnasMacro().GetString("reductions"));
        Assert.IsFalse(SearchSpaces.EnasMacro(sharedReductions: true).Parameters.ContainsKey("reductions"));
        var old = new SearchSpaceSpec("enas-macro", new Dictionary<string, object> { ["layers"] = 3, ["filters"] = 4, ["dropout"] = 0.0 });
        Assert.AreEqual(SearchSpaces.EnasMacro(layers: 3, filters: 4, sharedReductions: true), old);
        using var model = (EnasMacroNetwork)SearchSpaceRegistry.Build(old, Mnist);
        Assert.IsTrue(model.SharedReductions);
        Assert.AreEqual("per-input", SearchSpaces.EnasMacro(layers: 3, filters: 4).Scaled(2).GetString("reductions"), "a widened spec keeps its layout");
        var error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(old.With("reductions", "each"), Mnist));
        StringAssert.Contains(error.Message, "'reductions'");
        StringAssert.Contains(error.Message, "'per-input'");
    }

    // Batch norms whose running statistics are the average over every batch they saw (momentum null), reset.
    private static void AverageStatisticsFromNowOn(nn.Module model)
    {
        foreach (var norm in model.modules().OfType<TorchSharp.Modules.BatchNorm2d>())
        {
            norm.reset_running_stats();
            norm.momentum = null;
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Once_every_batch_norm_has_the_statistics_of_one_batch_evaluation_mode_scores_that_batch_as_training_mode_does(bool shared)
    {
        // Layer 2 reads layer 0 through a skip, so the second reduction point reduces two different tensors: with its
        // own reduction each, every batch norm sees one distribution and its running statistics become that batch's
        // own; NNI's shared reduction averages two distributions into statistics that fit neither.
        using var threads = new SingleThread();
        manual_seed(5);
        using var model = SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(layers: 3, filters: 8, sharedReductions: shared), Mnist);
        FixedArchitecture.Apply(model, Architecture.FromJson("""
            {"layer_0_op": "conv3x3", "layer_1_op": "sepconv5x5", "layer_1_skip": [], "layer_2_op": "conv3x3", "layer_2_skip": ["layer_0"]}
            """));
        var digits = Microsoft.ML.Nas.Datasets.MnistDigits.Load();
        int[] rows = digits.TrainIndices[..256].ToArray();
        using var batch = tensor(digits.GetFeatures(rows), [rows.Length, 1, 28, 28]);
        using var noGrad = no_grad();
        AverageStatisticsFromNowOn(model);
        model.train();
        using var training = model.call(batch);
        model.eval();
        using var evaluation = model.call(batch);
        double gap = (evaluation - training).abs().max().item<float>() / training.abs().max().item<float>();
        if (shared)
        {
            Assert.IsGreaterThan(0.05, gap, "NNI's shared reduction: its running statistics mix two tensors");
        }
        else
        {
            Assert.IsLessThan(0.01, gap, "each reduction's statistics are its own tensor's (the rest is unbiased vs biased variance)");
        }
    }

    [TestMethod]
    public void Growth_multiplies_the_channels_at_each_reduction_and_the_hand_count_follows()
    {
        using var model = (EnasMacroNetwork)SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(layers: 6, filters: 8, growth: 2), Mnist);
        CollectionAssert.AreEqual(new[] { 1, 3 }, model.ReductionAfter.ToArray());
        int[] channels = [8, 8, 16, 16, 32, 32];
        CollectionAssert.AreEqual(channels, Enumerable.Range(0, 6).Select(model.ChannelsOf).ToArray());
        Assert.AreEqual(32, model.OutputChannels);
        long stem = 1 * 8 * 9 + 2 * 8;
        long layers = channels.Sum(c => LayerParameters(c));
        // Each factorized reduction: two 1×1 convs from C_in channels to half of C_out each, no bias; one for each of
        // the 2 outputs at the first reduction point (after layer 1) and the 4 at the second (after layer 3).
        long reductions = 2 * 8 * 16 + 4 * 16 * 32;
        long classifier = 32 * 10 + 10;
        Assert.AreEqual(stem + layers + reductions + classifier, Parameters(model));

        // Every skip a layer may take is the sum of earlier outputs reduced and widened to its own channels.
        using var threads = new SingleThread();
        using var mutator = new RandomMutator(model, seed: 3);
        for (int i = 0; i < 4; i++)
        {
            mutator.Reset();
            using var scope = NewDisposeScope();
            CollectionAssert.AreEqual(new long[] { 2, 10 }, model.call(randn(2, 1, 28, 28)).shape);
        }
    }

    [TestMethod]
    public void Growth_is_recorded_only_when_it_is_not_nnis_and_stays_when_the_spec_is_widened()
    {
        Assert.AreEqual(SearchSpaces.EnasMacro(layers: 3, filters: 8), SearchSpaces.EnasMacro(layers: 3, filters: 8, growth: 1));
        Assert.IsFalse(SearchSpaces.EnasMacro(growth: 1).Parameters.ContainsKey("growth"), "a model saved before growth existed keeps an equal spec");
        var wide = SearchSpaces.EnasMacro(layers: 3, filters: 8, growth: 2).Scaled(3);
        Assert.AreEqual(24, wide.GetInt32("filters"));
        Assert.AreEqual(2, wide.GetInt32("growth"));
        using var model = (EnasMacroNetwork)SearchSpaceRegistry.Build(wide, Mnist);
        Assert.AreEqual(96, model.OutputChannels);
    }

    [TestMethod]
    public void Mnist_and_cifar_shaped_inputs_give_one_row_of_logits_per_image_under_any_architecture()
    {
        using var threads = new SingleThread();
        foreach (var (context, shape) in new[] { (Mnist, new long[] { 2, 1, 28, 28 }), (Cifar, new long[] { 2, 3, 32, 32 }) })
        {
            using var model = SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(layers: 6, filters: 8), context);
            using var mutator = new RandomMutator(model, seed: 1);
            for (int i = 0; i < 3; i++)
            {
                mutator.Reset();
                using var scope = NewDisposeScope();
                CollectionAssert.AreEqual(new long[] { 2, 10 }, model.call(randn(shape)).shape);
            }
        }
    }

    [TestMethod]
    public void Reductions_come_after_layers_L_over_3_minus_1_and_2L_over_3_minus_1()
    {
        using var twelve = new EnasMacroNetwork(12, 4, 1, 10);
        CollectionAssert.AreEqual(new[] { 3, 7 }, twelve.ReductionAfter.ToArray());
        using var two = new EnasMacroNetwork(2, 4, 1, 10);
        Assert.IsEmpty(two.ReductionAfter);
    }

    [TestMethod]
    public void Each_layer_is_a_scope_with_an_op_choice_and_a_skip_choice_over_the_earlier_layers()
    {
        using var model = SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(layers: 3, filters: 4), Mnist);
        var space = ModelSearchSpace.Of(model);
        CollectionAssert.AreEqual(new[] { "layer_0", "layer_1", "layer_2" }, space.Roots.Select(r => r.Mutable.Key).ToArray());
        CollectionAssert.AreEqual(new[] { "layer_0_op", "layer_1_op", "layer_1_skip", "layer_2_op", "layer_2_skip" }, space.Decisions.Select(d => d.Key).ToArray());
        CollectionAssert.AreEqual(new[] { "layer_0", "layer_1" }, space["layer_2_skip"].ChooseFrom.ToArray());
        Assert.IsNull(space["layer_2_skip"].NChosen);
        CollectionAssert.AreEqual(new[] { "conv3x3", "sepconv3x3", "conv5x5", "sepconv5x5", "avgpool", "maxpool" }, space["layer_0_op"].CandidateNames.ToArray());
    }

    [TestMethod]
    public void A_fixed_architecture_prunes_the_supernet_and_still_classifies()
    {
        using var model = SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(layers: 3, filters: 4), Mnist);
        var architecture = Architecture.FromJson("""
            {"layer_0_op": "conv5x5", "layer_1_op": "maxpool", "layer_1_skip": [], "layer_2_op": "sepconv3x3", "layer_2_skip": ["layer_0", "layer_1"]}
            """);
        long before = Parameters(model);
        FixedArchitecture.Apply(model, architecture);
        Assert.AreEqual(before - 3 * LayerParameters(4) + (16 + 25 * 16) + 16 + (2 * 16 + 9 * 4), Parameters(model));
        using var scope = NewDisposeScope();
        CollectionAssert.AreEqual(new long[] { 2, 10 }, model.call(randn(2, 1, 28, 28)).shape);
    }

    [TestMethod]
    public void A_misspelt_parameter_or_odd_filters_are_refused_by_name()
    {
        var misspelt = new SearchSpaceSpec("enas-macro", new Dictionary<string, object> { ["filter"] = 8 });
        var error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(misspelt, Mnist));
        StringAssert.Contains(error.Message, "'filter'");
        error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(filters: 5), Mnist));
        StringAssert.Contains(error.Message, "'filters'");
        foreach (int growth in new[] { 0, 5 })
        {
            error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(growth: growth), Mnist));
            StringAssert.Contains(error.Message, "'growth'");
            StringAssert.Contains(error.Message, "1..4");
        }
        var vectors = new SpaceContext([784], 10);
        Assert.ThrowsExactly<InvalidOperationException>(() => SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(), vectors));
    }
}
