using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;
using static Microsoft.ML.Nas.Tests.Strategies.SinglePathFixture;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>
/// Search.MaxLatency through ML.NET: the table is the served (wider) network's, the history keeps the prediction and the
/// served network's measured latency, and the model saves and loads with them.
/// </summary>
[TestClass]
public sealed class NasLatencyBudgetTests
{
    private static readonly SearchSpaceSpec Space = SearchSpaces.Mlp(layers: 2, hidden: 16);

    [TestMethod]
    public void The_served_network_is_predicted_within_MaxLatency_and_its_latencies_are_saved_with_the_model() => InTemporaryFolder("nas-latency", folder =>
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        long[] sample = [MnistDigits.Side * MnistDigits.Side];
        using var wide = SearchSpaceRegistry.Build(Space.Scaled(2), new SpaceContext(sample, MnistDigits.ClassCount));
        var table = LatencyTable.Measure(wide, sample, CPU, threads: 1, [1], folder);
        var cost = table.At(1);
        var space = Microsoft.ML.Nas.Mutables.ModelSearchSpace.Of(wide);
        double largest = cost.Fixed + space.Decisions.Sum(d => Enumerable.Range(0, d.CandidateCount).Max(i => cost.Cost(d.Key, i)));
        var budget = TimeSpan.FromMilliseconds((cost.Smallest + largest) / 2);

        var train = digits.ToDataView(mlContext, digits.TrainIndices[..120]);
        var fitted = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Random(new RandomOptions
        {
            SearchSpace = Space, FinalWidthMultiplier = 2, Device = "cpu", Threads = 1, Seed = 1,
            Search = { Epochs = 1, BatchSize = 32, ExportSamples = 3, MaxLatency = budget, LatencyCacheDirectory = folder, ReleaseFreedMemory = false },
            Final = { Epochs = 1, BatchSize = 32, ReleaseFreedMemory = false },
        })).Fit(train);
        using var model = fitted.LastTransformer;
        double predicted = model.History.Search[^1].Metrics["predictedLatencyMs"];
        Assert.AreEqual(table.Predict(model.Architecture).TotalMilliseconds, predicted, 1e-3, "the prediction is the served network's, from its table");
        Assert.IsLessThanOrEqualTo(budget.TotalMilliseconds + 1e-3, predicted);
        Assert.AreEqual(1.0, model.History.Search[^1].Metrics["latencyBatchSize"]);
        Assert.IsGreaterThan(0.0, model.History.Final[^1].Metrics["measuredLatencyMs"]);

        string path = Path.Combine(folder, "model.zip");
        mlContext.Model.Save(fitted, train.Schema, path);
        var loaded = new MLContext(seed: 2).Model.Load(path, out _);
        using var nas = ((IEnumerable<ITransformer>)loaded).OfType<NasTransformer>().Single();
        Assert.AreEqual(predicted, nas.History.Search[^1].Metrics["predictedLatencyMs"]);
        Assert.AreEqual(model.History.Final[^1].Metrics["measuredLatencyMs"], nas.History.Final[^1].Metrics["measuredLatencyMs"]);
        Assert.AreEqual(model.Architecture.ToJson(), nas.Architecture.ToJson());
    });

    [TestMethod]
    public void An_unreachable_MaxLatency_names_the_option_by_its_path() => InTemporaryFolder("nas-latency-unreachable", folder =>
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var estimator = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Random(new RandomOptions
        {
            SearchSpace = Space, Device = "cpu", Threads = 1, Seed = 1,
            Search = { Epochs = 1, MaxLatency = TimeSpan.FromTicks(1), LatencyCacheDirectory = folder },
        }));
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(digits.ToDataView(mlContext, digits.TrainIndices[..60])));
        Assert.AreEqual("Search.MaxLatency", error.ParamName);
        StringAssert.Contains(error.Message, "the fastest network this space can make takes");
    });
}
