using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Strategies.Optimizers;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>The final-training recipe through ML.NET's <c>Final</c>: every part reachable, every bad value named by its path.</summary>
[TestClass]
public sealed class NasFinalRecipeTests
{
    [TestMethod]
    public void Warmup_smoothing_adamw_and_a_weight_average_reach_the_final_training()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var options = new FixedArchitectureOptions
        {
            SearchSpace = TrainedMlp.Spec, Architecture = TrainedMlp.SampleArchitecture(1), Device = "cpu", Seed = 1,
            Final =
            {
                Epochs = 2, BatchSize = 32, WarmupEpochs = 0.5, LabelSmoothing = 0.1, WeightOptimizer = WeightOptimizerKind.AdamW,
                LearningRate = 3e-3, WeightDecay = 0.05, WeightAverageDecay = 0.9,
            },
        };
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().FixedArchitecture(options));

        using var model = pipeline.Fit(digits.ToDataView(mlContext, digits.TrainIndices[..300])).LastTransformer;

        var final = model.History.Final;
        Assert.HasCount(2, final);
        Assert.IsTrue(final[0].Metrics["learningRate"] > final[1].Metrics["learningRate"], "the cosine after the warm-up lowers the rate");
        Assert.IsTrue(final.All(e => double.IsFinite(e.Metrics["loss"])));
    }

    [TestMethod]
    public void Bad_recipe_values_name_the_option_by_its_path()
    {
        var nas = new MLContext(seed: 1).Nas();

        string Path(Action create) => Assert.ThrowsExactly<ArgumentOutOfRangeException>(create).ParamName!;

        Assert.AreEqual("Final.WarmupEpochs", Path(() => nas.Enas(new EnasOptions { Final = { WarmupEpochs = -1 } })));
        Assert.AreEqual("Final.WarmupEpochs", Path(() => nas.Enas(new EnasOptions { Final = { Epochs = 3, WarmupEpochs = 3 } })));
        Assert.AreEqual("Search.WarmupEpochs", Path(() => nas.Enas(new EnasOptions { Search = { WarmupEpochs = double.NaN } })));
        Assert.AreEqual("Final.LabelSmoothing", Path(() => nas.Enas(new EnasOptions { Final = { LabelSmoothing = 1 } })));
        Assert.AreEqual("Search.LabelSmoothing", Path(() => nas.Darts(new DartsOptions { Search = { LabelSmoothing = -0.1 } })));
        Assert.AreEqual("Final.LabelSmoothing", Path(() => nas.Darts(new DartsOptions { Final = { LabelSmoothing = 0.1, Loss = (l, _) => l.sum() } })));
        Assert.AreEqual("Final.WeightAverageDecay", Path(() => nas.Darts(new DartsOptions { Final = { WeightAverageDecay = 1 } })));
        Assert.AreEqual("Final.WeightAverageDecay", Path(() => nas.Darts(new DartsOptions { Final = { WeightAverageDecay = -0.5 } })));
        Assert.AreEqual("Final.WeightOptimizer", Path(() => nas.Darts(new DartsOptions { Final = { WeightOptimizer = (WeightOptimizerKind)7 } })));
        Assert.AreEqual("Final.Momentum", Path(() => nas.Darts(new DartsOptions { Final = { WeightOptimizer = WeightOptimizerKind.SgdNesterov, Momentum = 0 } })));
        var unrolled = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => nas.Darts(new DartsOptions { Search = { Unrolled = true, WeightOptimizer = WeightOptimizerKind.AdamW } }));
        Assert.AreEqual("Search.WeightOptimizer", unrolled.ParamName);
        StringAssert.Contains(unrolled.Message, "Unrolled");
    }
}
