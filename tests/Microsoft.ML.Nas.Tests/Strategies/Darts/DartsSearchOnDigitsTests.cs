using System.Diagnostics;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Darts;

/// <summary>End to end on real digits: search the DARTS cell space, export, retrain the pruned network.</summary>
[TestClass]
public sealed class DartsSearchOnDigitsTests
{
    // Digits pooled to 14×14: a quarter of the compute, still far from trivial for a 10-class problem.
    private static readonly SpaceContext Digits = new([1, 14, 14], 10);

    [TestMethod]
    public void Short_search_on_a_thousand_digits_lifts_validation_accuracy_well_above_chance_and_retrains()
    {
        var digits = MnistDigits.Load();
        var device = DeviceSelection.Resolve("cpu");
        using var train = Load(digits, digits.TrainIndices[..1000], device);
        using var valid = Load(digits, digits.TestIndices[..300], device);
        var spec = SearchSpaces.DartsCells(channels: 4, layers: 2, nodes: 2);
        random.manual_seed(1);
        using var supernet = SearchSpaceRegistry.Build(spec, Digits);
        var clock = Stopwatch.StartNew();

        using var search = new DartsTrainer(supernet, new DartsTrainerOptions
        {
            TrainData = train, ValidData = valid, Epochs = 2, BatchSize = 32, Device = "cpu", Seed = 1, LogFrequency = 0,
            LearningRate = 0.1,
        });
        var history = search.Train();
        var architecture = Architecture.FromJson(search.Export().ToJson());
        var searchTime = clock.Elapsed;

        random.manual_seed(2);
        using var final = FixedArchitecture.Build(spec, Digits, architecture);
        using var retrain = new FixedArchitectureTrainer(final, architecture, new FixedArchitectureTrainerOptions
        {
            TrainData = train, ValidData = valid, Epochs = 2, BatchSize = 32, Device = "cpu", Seed = 2, LogFrequency = 0,
            LearningRate = 0.1, CutoutLength = 4, DropPathProbability = 0.1,
        });
        retrain.Train();
        var test = retrain.Evaluate(valid);

        Console.WriteLine($"search {searchTime.TotalSeconds:F1} s, valid accuracy by epoch " +
            $"{string.Join(", ", history.Select(r => $"{r.TrainMetric:F3}/{r.ValidMetric:F3}"))}; retrained accuracy {test.Metric:F3} " +
            $"in {clock.Elapsed.TotalSeconds - searchTime.TotalSeconds:F1} s; {architecture.ToJson().Length} chars of JSON");
        Assert.IsTrue(history[^1].ValidMetric > 0.35, $"chance is 0.1; the supernet reached {history[^1].ValidMetric:F3}");
        Assert.IsTrue(test.Metric > 0.5, $"the retrained pruned network reached {test.Metric:F3}");
        Assert.IsTrue(final.parameters().Sum(p => p.numel()) < supernet.parameters().Sum(p => p.numel()) / 3, "pruning removes most candidates");
    }

    private static TensorDataset Load(MnistDigits digits, ReadOnlySpan<int> indices, Device device)
    {
        using var scope = NewDisposeScope();
        var images = tensor(digits.GetFeatures(indices), [indices.Length, 1, 28, 28]);
        return new TensorDataset(nn.functional.avg_pool2d(images, 2), tensor(digits.GetLabels(indices)), device, 10);
    }
}
