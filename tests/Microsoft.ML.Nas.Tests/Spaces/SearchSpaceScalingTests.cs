using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Spaces.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Spaces;

/// <summary>Retraining larger: a scaled spec keeps the decision keys, so the architecture found on the small one applies unchanged.</summary>
[TestClass]
public sealed class SearchSpaceScalingTests
{
    private static readonly SpaceContext Mnist = new([1, 28, 28], 10);

    private static long Parameters(nn.Module model) => model.parameters().Sum(p => p.numel());

    /// <summary>Samples an architecture of <paramref name="small"/>, builds it on <paramref name="large"/>, and returns both networks' sizes.</summary>
    private static (long Small, long Large) BuildBoth(SearchSpaceSpec small, SearchSpaceSpec large, SpaceContext context, Action<nn.Module>? check = null)
    {
        Architecture architecture;
        using (var supernet = SearchSpaceRegistry.Build(small, context))
        using (var mutator = new RandomMutator(supernet, seed: 3))
        {
            architecture = mutator.Export();
        }
        using var smallNet = FixedArchitecture.Build(small, context, architecture);
        using var largeNet = FixedArchitecture.Build(large, context, architecture);
        using var scope = NewDisposeScope();
        largeNet.eval();
        var logits = largeNet.call(randn([2, .. context.SampleShape]));
        CollectionAssert.AreEqual(new long[] { 2, context.ClassCount }, logits.shape);
        check?.Invoke(largeNet);
        return (Parameters(smallNet), Parameters(largeNet));
    }

    [TestMethod]
    public void Darts_cells_get_more_channels_and_more_cells_and_take_the_same_architecture()
    {
        var small = SearchSpaces.DartsCells(channels: 4, layers: 3, nodes: 2);

        var large = small.Scaled(2, 2);

        Assert.AreEqual(8, large.GetInt32("channels"));
        Assert.AreEqual(6, large.GetInt32("layers"));
        Assert.AreEqual(2, large.GetInt32("nodes"));
        var (smallSize, largeSize) = BuildBoth(small, large, Mnist, net => Assert.HasCount(6, ((DartsNetwork)net).Cells));
        Assert.IsTrue(largeSize > 3 * smallSize, $"{largeSize} parameters against {smallSize}");
    }

    [TestMethod]
    public void Darts_cells_with_no_normal_cell_cannot_be_deepened_into_having_one()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaces.DartsCells(channels: 4, layers: 2).Scaled(1, 2));

        Assert.AreEqual("depthMultiplier", error.ParamName);
        StringAssert.Contains(error.Message, "'darts-cells'");
        StringAssert.Contains(error.Message, "normal cells");
        Assert.AreEqual(12, SearchSpaces.DartsCells(channels: 4, layers: 2).Scaled(3).GetInt32("channels"), "widening alone is fine");
    }

    [TestMethod]
    public void Enas_micro_gets_more_normal_cells_and_channels()
    {
        // Reductions sit at L/3 and 2L/3 + 1 of the L + 2 cells: with L ≥ 3 both networks reduce after a normal cell.
        var small = SearchSpaces.EnasMicro(layers: 3, nodes: 2, channels: 4, auxiliary: false);

        var large = small.Scaled(1.5, 2);

        Assert.AreEqual(6, large.GetInt32("channels"));
        Assert.AreEqual(6, large.GetInt32("layers"));
        var (smallSize, largeSize) = BuildBoth(small, large, Mnist);
        Assert.IsTrue(largeSize > smallSize, $"{largeSize} parameters against {smallSize}");
    }

    [TestMethod]
    public void Enas_macro_widens_to_even_filters_and_refuses_depth_because_each_layer_has_its_own_decision()
    {
        var small = SearchSpaces.EnasMacro(layers: 3, filters: 16);

        Assert.AreEqual(24, small.Scaled(1.5).GetInt32("filters"));
        Assert.AreEqual(20, small.Scaled(1.3).GetInt32("filters"), "20.8 rounds to the nearest even count");
        Assert.AreEqual(48, SearchSpaces.EnasMacro(layers: 3).Scaled(2).GetInt32("filters"), "the default 24 filters, doubled");
        var (smallSize, largeSize) = BuildBoth(small, small.Scaled(2), Mnist, net => Assert.AreEqual(32, ((EnasMacroNetwork)net).Filters));
        Assert.IsTrue(largeSize > 2 * smallSize, $"{largeSize} parameters against {smallSize}");

        var error = Assert.ThrowsExactly<ArgumentException>(() => small.Scaled(2, 2));
        Assert.AreEqual("depthMultiplier", error.ParamName);
        StringAssert.Contains(error.Message, "'enas-macro' cannot repeat its layers");
        StringAssert.Contains(error.Message, "each layer has its own decision");
    }

    [TestMethod]
    public void Mlp_widens_every_block_under_the_names_the_architecture_uses()
    {
        var small = SearchSpaces.Mlp(layers: 2, hidden: 8, widths: [4, 16]);
        var context = new SpaceContext([12], 5);

        var large = small.Scaled(2);
        using var model = FixedArchitecture.Build(large, context, Architecture.FromJson("""{"layer0": "tanh_16", "layer1": "relu_4"}"""));

        Assert.AreEqual(2.0, large.GetDouble("widthMultiplier"));
        Assert.AreEqual("4,16", large.GetString("widths"), "the candidates keep their names");
        Assert.AreEqual(4.0, large.Scaled(2).GetDouble("widthMultiplier"), "scaling again multiplies");
        // layer0: 12→32→16 (tanh), layer1: 16→8→16 (relu), classifier 16→5.
        long expected = (12 * 32 + 32) + (32 * 16 + 16) + (16 * 8 + 8) + (8 * 16 + 16) + (16 * 5 + 5);
        Assert.AreEqual(expected, Parameters(model));
        Assert.AreEqual(large, SearchSpaceSpec.FromJson(large.ToJson()));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => small.Scaled(1, 2)).Message, "'mlp' cannot repeat its layers");
    }

    [TestMethod]
    public void Multipliers_below_one_are_refused_and_multipliers_of_one_change_nothing()
    {
        var spec = SearchSpaces.EnasMacro(layers: 3, filters: 8);

        Assert.AreEqual("widthMultiplier", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => spec.Scaled(0.5)).ParamName);
        Assert.AreEqual("widthMultiplier", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => spec.Scaled(double.NaN)).ParamName);
        Assert.AreEqual("depthMultiplier", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => spec.Scaled(1, 0)).ParamName);
        Assert.AreSame(spec, spec.Scaled(1));
        Assert.AreSame(spec, SearchSpaceRegistry.Scale(spec, 1, 1));
        var unknown = SearchSpaces.EnasMacro().With("channels", 3);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => unknown.Scaled(2)).Message, "has no parameter 'channels'");
    }

    [TestMethod]
    public void A_custom_space_scales_only_with_a_registered_scaler()
    {
        string kind = $"test-scaled-{Guid.NewGuid():N}";
        var spec = new SearchSpaceSpec(kind, new Dictionary<string, object> { ["hidden"] = 4 });
        SearchSpaceRegistry.Register(kind, (s, context) => SearchSpaceRegistry.Build(SearchSpaces.Mlp(layers: 1, hidden: s.GetInt32("hidden")), context));

        Assert.AreSame(spec, spec.Scaled(1, 1), "multipliers of 1 need no scaler");
        var refused = Assert.ThrowsExactly<ArgumentException>(() => spec.Scaled(2));
        Assert.AreEqual("widthMultiplier", refused.ParamName);
        StringAssert.Contains(refused.Message, $"'{kind}' was registered without a scaler");
        StringAssert.Contains(refused.Message, "factory, scaler");

        SearchSpaceRegistry.Register(kind, (s, context) => SearchSpaceRegistry.Build(SearchSpaces.Mlp(layers: 1, hidden: s.GetInt32("hidden")), context),
            (s, width, depth) => depth == 1 ? s.With("hidden", (int)(s.GetInt32("hidden") * width)) : throw new ArgumentException("no depth", nameof(depth)));
        Assert.AreEqual(12, spec.Scaled(3).GetInt32("hidden"));
        Assert.ThrowsExactly<ArgumentException>(() => spec.Scaled(1, 2));
        Assert.ThrowsExactly<KeyNotFoundException>(() => new SearchSpaceSpec("never-registered-scaled").Scaled(2));
    }
}
