using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>The final network trained larger than the searched one, through ML.NET: built, trained, saved and loaded at its scaled size.</summary>
[TestClass]
public sealed class NasFinalScalingTests
{
    private static readonly SearchSpaceSpec Small = SearchSpaces.EnasMicro(layers: 1, nodes: 1, channels: 2, auxiliary: false, dropout: 0);
    private static readonly SpaceContext Digits = new([1, MnistDigits.Side, MnistDigits.Side], MnistDigits.ClassCount);

    [TestMethod]
    public void A_final_network_twice_as_wide_and_deep_is_saved_with_its_scaled_spec_and_loads_with_the_same_scores()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var architecture = TrainedMlp.SampleArchitecture(Small, Digits, seed: 4);
        var options = new FixedArchitectureOptions
        {
            SearchSpace = Small, Architecture = architecture, ImageShape = (1, MnistDigits.Side, MnistDigits.Side),
            FinalWidthMultiplier = 2, FinalDepthMultiplier = 2, Final = { Epochs = 1, BatchSize = 32 }, Device = "cpu", Seed = 2,
        };
        var chain = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().FixedArchitecture(options))
            .Fit(digits.ToDataView(mlContext, digits.TrainIndices[..96]));
        using var model = chain.LastTransformer;
        var test = digits.ToDataView(mlContext, digits.TestIndices[..40]);
        float[] expected = TrainedMlp.Scores(chain.Transform(test));

        Assert.AreEqual(Small.Scaled(2, 2), model.Spec);
        Assert.AreEqual(4, model.Spec.GetInt32("channels"));
        Assert.AreEqual(2, model.Spec.GetInt32("layers"));
        using (var unscaled = FixedArchitecture.Build(Small, Digits, architecture))
        {
            long smallCount = unscaled.parameters().Sum(p => p.numel());
            Assert.IsTrue(model.ParameterCount > 2 * smallCount, $"{model.ParameterCount} parameters against {smallCount} unscaled");
        }

        var (loaded, loadedNas) = TrainedMlp.SavedAndLoaded(mlContext, chain, test.Schema);
        Assert.AreEqual(model.Spec, loadedNas.Spec);
        Assert.AreEqual(model.ParameterCount, loadedNas.ParameterCount);
        CollectionAssert.AreEqual(expected, TrainedMlp.Scores(loaded.Transform(test)));
    }

    [TestMethod]
    public void A_depth_multiplier_on_a_space_with_a_decision_per_layer_fails_before_the_search_naming_the_option()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        int reports = 0;
        var options = new EnasOptions
        {
            SearchSpace = SearchSpaces.EnasMacro(layers: 2, filters: 4), ImageShape = (1, MnistDigits.Side, MnistDigits.Side),
            FinalDepthMultiplier = 2, Device = "cpu", Progress = new Inline(() => reports++),
        };
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(options));

        var error = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(digits.ToDataView(mlContext, digits.TrainIndices[..64])));

        Assert.AreEqual(nameof(NasOptions.FinalDepthMultiplier), error.ParamName);
        StringAssert.Contains(error.Message, "'enas-macro' cannot repeat its layers");
        StringAssert.Contains(error.Message, "each layer has its own decision");
        Assert.AreEqual(0, reports, "nothing was searched");
    }

    [TestMethod]
    public void Multipliers_below_one_name_their_option()
    {
        var nas = new MLContext(seed: 1).Nas();

        Assert.AreEqual(nameof(NasOptions.FinalWidthMultiplier),
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => nas.Enas(new EnasOptions { FinalWidthMultiplier = 0.5 })).ParamName);
        Assert.AreEqual(nameof(NasOptions.FinalDepthMultiplier),
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => nas.Darts(new DartsOptions { FinalDepthMultiplier = 0 })).ParamName);
    }

    private sealed class Inline(Action report) : IProgress<NasProgress>
    {
        public void Report(NasProgress value) => report();
    }
}
