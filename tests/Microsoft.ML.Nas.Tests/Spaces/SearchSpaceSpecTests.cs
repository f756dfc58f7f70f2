using System.Globalization;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Spaces;

[TestClass]
public sealed class SearchSpaceSpecTests
{
    [TestMethod]
    public void Spec_round_trips_through_json_exactly_and_culture_independently()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            // A culture with a decimal comma must not leak into the saved form.
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var spec = new SearchSpaceSpec("demo", new Dictionary<string, object>
            {
                ["width"] = 16, ["dropout"] = 0.25, ["auxiliary"] = true, ["activation"] = "relu",
            });

            string json = spec.ToJson();
            var back = SearchSpaceSpec.FromJson(json);

            StringAssert.Contains(json, "\"0.25\"");
            Assert.AreEqual(spec, back);
            Assert.AreEqual(16, back.GetInt32("width"));
            Assert.AreEqual(0.25, back.GetDouble("dropout"));
            Assert.IsTrue(back.GetBoolean("auxiliary"));
            Assert.AreEqual("relu", back.GetString("activation"));
            Assert.AreEqual(json, back.ToJson());
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [TestMethod]
    public void Missing_or_malformed_parameters_name_the_space_and_parameter()
    {
        var spec = new SearchSpaceSpec("demo", new Dictionary<string, object> { ["width"] = "wide" });

        Assert.AreEqual(3, spec.GetInt32("depth", 3));
        var missing = Assert.ThrowsExactly<ArgumentException>(() => spec.GetInt32("depth"));
        StringAssert.Contains(missing.Message, "'demo' needs parameter 'depth'");
        var malformed = Assert.ThrowsExactly<ArgumentException>(() => spec.GetInt32("width"));
        StringAssert.Contains(malformed.Message, "'width' of search space 'demo' is 'wide'; expected an integer");
        Assert.ThrowsExactly<FormatException>(() => SearchSpaceSpec.FromJson("[1, 2]"));
        Assert.ThrowsExactly<FormatException>(() => SearchSpaceSpec.FromJson("{\"parameters\": {}}"));
    }

    [TestMethod]
    public void With_changes_one_parameter_and_leaves_the_original_alone()
    {
        var spec = new SearchSpaceSpec("demo", new Dictionary<string, object> { ["width"] = 16 });
        var wider = spec.With("width", 32);

        Assert.AreEqual(16, spec.GetInt32("width"));
        Assert.AreEqual(32, wider.GetInt32("width"));
        Assert.AreNotEqual(spec, wider);
    }

    [TestMethod]
    public void Registered_custom_space_builds_and_unknown_kind_lists_the_known_ones()
    {
        string kind = $"test-space-{Guid.NewGuid():N}";
        SearchSpaceRegistry.Register(kind, (spec, context) => new TinySpace((int)context.SampleShape[0], spec.GetInt32("hidden"), context.ClassCount));

        using var model = SearchSpaceRegistry.Build(
            new SearchSpaceSpec(kind, new Dictionary<string, object> { ["hidden"] = 4 }), new SpaceContext([6], classCount: 3));
        Assert.AreEqual(1, ModelSearchSpace.Of(model).DecisionCount);
        Assert.IsTrue(SearchSpaceRegistry.Kinds.Contains(kind));

        var error = Assert.ThrowsExactly<KeyNotFoundException>(() =>
            SearchSpaceRegistry.Build(new SearchSpaceSpec("never-registered"), new SpaceContext([6], 3)));
        StringAssert.Contains(error.Message, "'never-registered'");
        StringAssert.Contains(error.Message, kind);
        StringAssert.Contains(error.Message, "SearchSpaceRegistry.Register(\"never-registered\"");
    }

    [TestMethod]
    public void Context_rejects_shapes_and_class_counts_no_classifier_can_have()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new SpaceContext([], 3));
        Assert.ThrowsExactly<ArgumentException>(() => new SpaceContext([1, 0, 28], 3));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SpaceContext([784], 1));
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => new SpaceContext([784], 10).ImageShape);
        StringAssert.Contains(error.Message, "[784]");
        Assert.AreEqual((1, 28, 28), new SpaceContext([1, 28, 28], 10).ImageShape);
    }

    private sealed class TinySpace : nn.Module<Tensor, Tensor>
    {
        private readonly LayerChoice hidden;
        private readonly TorchSharp.Modules.Linear output;

        public TinySpace(int inputs, int width, int classes) : base(nameof(TinySpace))
        {
            hidden = new LayerChoice([nn.Linear(inputs, width), nn.Sequential(nn.Linear(inputs, width), nn.ReLU())]);
            output = nn.Linear(width, classes);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => output.forward(hidden.forward(input));
    }
}
