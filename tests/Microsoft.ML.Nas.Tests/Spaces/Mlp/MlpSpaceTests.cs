using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Spaces.Mlp;

[TestClass]
public sealed class MlpSpaceTests
{
    [TestMethod]
    public void Each_layer_chooses_among_activation_and_width_blocks_under_its_own_key()
    {
        using var model = SearchSpaceRegistry.Build(SearchSpaces.Mlp(layers: 3, hidden: 8, widths: [4, 16], activations: ["relu", "gelu"]), new SpaceContext([12], 3));

        var space = ModelSearchSpace.Of(model);

        CollectionAssert.AreEqual(new[] { "layer0", "layer1", "layer2" }, space.Decisions.Select(d => d.Key).ToArray());
        CollectionAssert.AreEqual(new[] { "relu_4", "relu_16", "gelu_4", "gelu_16" }, space.Decisions[0].CandidateNames.ToArray());
    }

    [TestMethod]
    public void A_fixed_architecture_maps_any_input_shape_to_one_logit_per_class_and_prunes_the_rest()
    {
        var spec = SearchSpaces.Mlp(layers: 2, hidden: 8, widths: [4, 16]);
        var context = new SpaceContext([1, 3, 4], 5);
        using var model = SearchSpaceRegistry.Build(spec, context);
        long supernetParameters = model.parameters().Sum(p => p.numel());

        FixedArchitecture.Apply(model, Architecture.FromJson("""{"layer0": "tanh_16", "layer1": "relu_4"}"""));
        using var logits = model.forward(rand(7, 1, 3, 4));

        CollectionAssert.AreEqual(new long[] { 7, 5 }, logits.shape);
        // layer0: 12→16→8 (tanh), layer1: 8→4→8 (relu), classifier 8→5.
        long expected = (12 * 16 + 16) + (16 * 8 + 8) + (8 * 4 + 4) + (4 * 8 + 8) + (8 * 5 + 5);
        Assert.AreEqual(expected, model.parameters().Sum(p => p.numel()));
        Assert.IsTrue(supernetParameters > expected);
    }

    [TestMethod]
    public void Spec_round_trips_through_json_and_bad_parameters_name_themselves()
    {
        var spec = SearchSpaces.Mlp(layers: 1, hidden: 8, widths: [4], activations: ["swish"]);
        Assert.AreEqual(spec, SearchSpaceSpec.FromJson(spec.ToJson()));

        var error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(spec, new SpaceContext([4], 2)));
        StringAssert.Contains(error.Message, "activation 'swish'");
        var widths = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(spec.With("widths", "4,x"), new SpaceContext([4], 2)));
        StringAssert.Contains(widths.Message, "width 'x'");
    }
}
