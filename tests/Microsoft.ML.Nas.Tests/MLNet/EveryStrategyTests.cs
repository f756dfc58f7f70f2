using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>
/// A custom space with every mutable form searches, exports, retrains, saves and loads through ML.NET with every
/// strategy the library ships, on a small slice of the digits.
/// </summary>
[TestClass]
public sealed class EveryStrategyTests
{
    private const int TrainRows = 300;

    public static IEnumerable<object[]> Strategies =>
    [
        ["ENAS"],
        ["DARTS"],
        ["DARTS second order"],
        ["Random"],
        ["SPOS"],
        ["GDAS"],
    ];

    [TestMethod]
    [DynamicData(nameof(Strategies))]
    public void Every_mutable_form_searches_exports_retrains_saves_and_loads(string strategy)
    {
        EveryFormSpace.Register();
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var train = digits.ToDataView(mlContext, digits.TrainIndices[..TrainRows]);
        var test = digits.ToDataView(mlContext, digits.TestIndices[..200]);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(Estimator(mlContext, strategy));

        var fitted = pipeline.Fit(train);
        using var model = fitted.LastTransformer;
        var accuracy = mlContext.MulticlassClassification.Evaluate(fitted.Transform(test)).MicroAccuracy;

        CollectionAssert.AreEquivalent(new[] { "op1", "op2", "skip", "InputChoice1", "any", "LayerChoice2" }, model.Architecture.Keys.ToArray());
        Assert.HasCount(1, model.Architecture["skip"].Names, model.Architecture.ToJson());
        Assert.HasCount(2, model.Architecture["InputChoice1"].Indices, model.Architecture.ToJson());
        Assert.IsGreaterThan(0.3, accuracy, $"{strategy}: {accuracy:P1} on the test digits after a tiny search");
        AssertSavesAndLoads(mlContext, fitted, test);
        AssertRetrains(mlContext, model, train, test);
    }

    private static IEstimator<NasTransformer> Estimator(MLContext mlContext, string strategy) => strategy switch
    {
        "ENAS" => mlContext.Nas().Enas(new EnasOptions
        {
            SearchSpace = EveryFormSpace.Spec, Device = "cpu", Seed = 1,
            Search = { Epochs = 1, BatchSize = 32, ChildSteps = 10, ControllerSteps = 2, ControllerAggregate = 2, ExportSamples = 2, ReleaseFreedMemory = false },
            Final = { Epochs = 3, BatchSize = 32, LearningRate = 0.1, ReleaseFreedMemory = false },
        }),
        "Random" => mlContext.Nas().Random(new RandomOptions
        {
            SearchSpace = EveryFormSpace.Spec, Device = "cpu", Seed = 1,
            Search = { Epochs = 1, BatchSize = 32, ExportSamples = 4, ReleaseFreedMemory = false },
            Final = { Epochs = 3, BatchSize = 32, LearningRate = 0.1, ReleaseFreedMemory = false },
        }),
        "SPOS" => mlContext.Nas().Spos(new SposOptions
        {
            SearchSpace = EveryFormSpace.Spec, Device = "cpu", Seed = 1,
            Search =
            {
                Epochs = 1, BatchSize = 32, PopulationSize = 4, Generations = 2, ParentCount = 2, CrossoverCount = 2, MutationCount = 2,
                BatchNormBatches = 2, ReleaseFreedMemory = false,
            },
            Final = { Epochs = 3, BatchSize = 32, LearningRate = 0.1, ReleaseFreedMemory = false },
        }),
        "GDAS" => mlContext.Nas().Gdas(new GdasOptions
        {
            SearchSpace = EveryFormSpace.Spec, Device = "cpu", Seed = 1,
            Search = { Epochs = 2, BatchSize = 32, ReleaseFreedMemory = false },
            Final = { Epochs = 3, BatchSize = 32, LearningRate = 0.1, ReleaseFreedMemory = false },
        }),
        _ => mlContext.Nas().Darts(new DartsOptions
        {
            SearchSpace = EveryFormSpace.Spec, Device = "cpu", Seed = 1,
            Search = { Epochs = 1, BatchSize = 32, Unrolled = strategy.EndsWith("second order", StringComparison.Ordinal), ReleaseFreedMemory = false },
            Final = { Epochs = 3, BatchSize = 32, LearningRate = 0.1, ReleaseFreedMemory = false },
        }),
    };

    internal static void AssertSavesAndLoads(MLContext mlContext, TransformerChain<NasTransformer> fitted, IDataView test)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("nas-every-form").FullName, "model.zip");
        mlContext.Model.Save(fitted, test.Schema, path);
        var loaded = new MLContext(seed: 2).Model.Load(path, out _);
        try
        {
            CollectionAssert.AreEqual(TrainedMlp.Scores(fitted.Transform(test)), TrainedMlp.Scores(loaded.Transform(test)));
        }
        finally
        {
            ((IEnumerable<ITransformer>)loaded).OfType<NasTransformer>().Single().Dispose();
        }
    }

    private static void AssertRetrains(MLContext mlContext, NasTransformer searched, IDataView train, IDataView test)
    {
        var retrain = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().FixedArchitecture(new FixedArchitectureOptions
        {
            SearchSpace = EveryFormSpace.Spec, Architecture = searched.Architecture, Device = "cpu", Seed = 3,
            Final = { Epochs = 3, BatchSize = 32, LearningRate = 0.1, ReleaseFreedMemory = false },
        })).Fit(train);
        using var model = retrain.LastTransformer;
        Assert.AreEqual(searched.Architecture.ToJson(), model.Architecture.ToJson());
        Assert.IsGreaterThan(0.3, mlContext.MulticlassClassification.Evaluate(retrain.Transform(test)).MicroAccuracy);
    }
}
