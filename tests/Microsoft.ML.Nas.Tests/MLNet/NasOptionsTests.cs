using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Enas;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>
/// The ML.NET options compose the trainers' options: every trainer knob reaches the trainer, errors name the option by
/// its path, and what Fit supplies (data, device, threads, seed, log, progress, cancellation) cannot be set twice.
/// </summary>
[TestClass]
public sealed class NasOptionsTests
{
    private static readonly MLContext MlContext = new(seed: 1);

    private static EnasOptions TinyEnas() => new()
    {
        SearchSpace = SearchSpaces.Mlp(layers: 2, hidden: 32, widths: [16, 48]),
        Search = { Epochs = 1, BatchSize = 32, ChildSteps = 4, ControllerSteps = 2, ControllerAggregate = 2, ExportSamples = 2 },
        Final = { Epochs = 1, BatchSize = 32 },
        Device = "cpu", Seed = 5,
    };

    [TestMethod]
    public void Trainer_only_knobs_set_through_the_estimator_options_reach_the_trainers()
    {
        var digits = MnistDigits.Load();
        var options = TinyEnas();
        // With a reward of 0, the recorded reward is the entropy bonus alone: EntropyWeight × entropy.
        options.Search.Reward = (_, _) => 0;
        options.Search.EntropyWeight = 1000;
        options.Final.ValidationFraction = 0.25;
        var pipeline = MlContext.Transforms.Conversion.MapValueToKey("Label").Append(MlContext.Nas().Enas(options));

        using var model = pipeline.Fit(digits.ToDataView(MlContext, digits.TrainIndices[..200])).LastTransformer;

        var search = model.History.Search.Single().Metrics;
        Assert.IsTrue(search["entropy"] > 0, "the controller samples with some entropy");
        Assert.AreEqual(1000 * search["entropy"], search["reward"], 1e-9 * search["reward"]);
        Assert.IsFalse(search.ContainsKey("validationAccuracy"), "the search has no validation data");
        Assert.IsTrue(model.History.Final.Single().Metrics.ContainsKey("validationAccuracy"), "the final training held a quarter back");
    }

    [TestMethod]
    public void Errors_name_the_option_by_its_path()
    {
        var nas = MlContext.Nas();

        Assert.AreEqual("Search.ChildSteps", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => nas.Enas(new EnasOptions { Search = { ChildSteps = 0 } })).ParamName);
        Assert.AreEqual("Search.Controller.LstmSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => nas.Enas(new EnasOptions { Search = { Controller = new EnasMutatorOptions { LstmSize = 0 } } })).ParamName);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => nas.Darts(new DartsOptions { Final = { DropPathProbability = 1 } }));
        Assert.AreEqual("Final.DropPathProbability", error.ParamName);
        StringAssert.Contains(error.Message, "Final.DropPathProbability must be in [0, 1)");
        Assert.AreEqual("Search", Assert.ThrowsExactly<ArgumentException>(() => nas.Darts(new DartsOptions { Search = null! })).ParamName);
        Assert.AreEqual("Threads", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => nas.Darts(new DartsOptions { Threads = 0 })).ParamName);
    }

    [TestMethod]
    public void Settings_that_Fit_supplies_are_refused_where_they_would_be_ignored()
    {
        var nas = MlContext.Nas();
        using var cancellation = new CancellationTokenSource();

        var seed = Assert.ThrowsExactly<ArgumentException>(() => nas.Enas(new EnasOptions { Search = { Seed = 3 } }));
        Assert.AreEqual("Search.Seed", seed.ParamName);
        StringAssert.Contains(seed.Message, "NasOptions.Seed");
        Assert.AreEqual("Final.Device", Assert.ThrowsExactly<ArgumentException>(() => nas.Darts(new DartsOptions { Final = { Device = "cpu" } })).ParamName);
        Assert.AreEqual("Search.CancellationToken", Assert.ThrowsExactly<ArgumentException>(
            () => nas.Darts(new DartsOptions { Search = { CancellationToken = cancellation.Token } })).ParamName);

        // Options can change after the estimator is made: Fit checks them again before it reads any data.
        var options = TinyEnas();
        var estimator = nas.Enas(options);
        options.Final.Log = _ => { };
        var digits = MnistDigits.Load();
        var data = MlContext.Transforms.Conversion.MapValueToKey("Label").Fit(digits.ToDataView(MlContext, digits.TrainIndices[..50]))
            .Transform(digits.ToDataView(MlContext, digits.TrainIndices[..50]));
        var late = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(data));
        Assert.AreEqual("Final.Log", late.ParamName);
        StringAssert.Contains(late.Message, "MLContext.Log");
    }
}
