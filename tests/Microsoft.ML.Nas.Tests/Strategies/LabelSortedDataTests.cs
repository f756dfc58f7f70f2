using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.Enas;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>
/// Rows sorted by label (a folder-per-class loader's order) search as well as shuffled rows: every split a strategy makes
/// holds every class in proportion.
/// </summary>
[TestClass]
public sealed class LabelSortedDataTests
{
    private static readonly SpaceContext Flat = new([MnistDigits.PixelsPerImage], MnistDigits.ClassCount);
    private static readonly SearchSpaceSpec Space = SearchSpaces.Mlp(layers: 1, hidden: 32, widths: [16, 32], activations: ["relu"]);

    [TestMethod]
    public void Darts_weight_and_architecture_halves_of_label_sorted_digits_hold_every_class()
    {
        using var train = SortedDigits.Train(600, sortedByLabel: true);
        using var supernet = SearchSpaceRegistry.Build(Space, Flat);
        using var trainer = new DartsTrainer(supernet, new DartsTrainerOptions { TrainData = train, Epochs = 1, Device = "cpu", Seed = 1 });
        var strategy = (DartsStrategy)trainer.Loop.Strategy;

        SortedDigits.AssertProportional(train, strategy.WeightData, "the weight half");
        SortedDigits.AssertProportional(train, strategy.ArchitectureData, "the architecture half");
    }

    [TestMethod]
    public void A_validation_fraction_of_label_sorted_digits_holds_every_class()
    {
        using var train = SortedDigits.Train(600, sortedByLabel: true);
        using var supernet = SearchSpaceRegistry.Build(Space, Flat);
        using var trainer = new DartsTrainer(supernet, new DartsTrainerOptions
        {
            TrainData = train, ValidationFraction = 0.2, Epochs = 1, Device = "cpu", Seed = 1,
        });

        Assert.AreEqual(120, trainer.Loop.Context.ValidData!.Count);
        SortedDigits.AssertProportional(train, trainer.Loop.Context.ValidData, "the validation fraction");
        SortedDigits.AssertProportional(train, trainer.Loop.Context.TrainData, "the rest");
    }

    [TestMethod]
    public void Darts_on_label_sorted_digits_learns_as_well_as_on_shuffled_digits()
    {
        double Accuracy(bool sorted)
        {
            using var threads = new SingleThread();
            using var train = SortedDigits.Train(1000, sorted);
            using var test = SortedDigits.Test(500);
            random.manual_seed(1);
            using var supernet = SearchSpaceRegistry.Build(Space, Flat);
            using var trainer = new DartsTrainer(supernet, new DartsTrainerOptions
            {
                TrainData = train, Epochs = 3, BatchSize = 32, LearningRate = 0.2, Device = "cpu", Seed = 1, LogFrequency = 0,
            });
            trainer.Train();
            return trainer.Loop.Evaluate(test).Metric;
        }

        double shuffled = Accuracy(sorted: false);
        double sorted = Accuracy(sorted: true);

        Assert.IsGreaterThan(0.7, shuffled, $"shuffled digits reach {shuffled:P1}");
        Assert.AreEqual(shuffled, sorted, 0.06, $"label-sorted digits reach {sorted:P1}, shuffled {shuffled:P1}");
    }

    [TestMethod]
    public void Enas_on_label_sorted_digits_rewards_and_exports_as_well_as_on_shuffled_digits()
    {
        (double Reward, double Accuracy) Search(bool sorted)
        {
            using var threads = new SingleThread();
            using var train = SortedDigits.Train(1000, sorted);
            using var test = SortedDigits.Test(500);
            random.manual_seed(1);
            using var supernet = SearchSpaceRegistry.Build(Space, Flat);
            using var trainer = new EnasTrainer(supernet, new EnasTrainerOptions
            {
                TrainData = train, Epochs = 1, BatchSize = 32, ChildSteps = 150, ControllerSteps = 2, ControllerAggregate = 2,
                ExportSamples = 3, Device = "cpu", Seed = 1, LogFrequency = 0,
            });
            var strategy = (EnasStrategy)trainer.Loop.Strategy;
            SortedDigits.AssertProportional(train, strategy.RewardData, "the reward data");
            trainer.Train();
            trainer.Loop.Export();
            double reward = strategy.ExportCandidates.Single(c => c.Exported).Reward;
            return (reward, trainer.Loop.Evaluate(test).Metric);
        }

        var shuffled = Search(sorted: false);
        var sorted = Search(sorted: true);

        Assert.IsGreaterThan(0.6, shuffled.Accuracy, $"shuffled digits reach {shuffled.Accuracy:P1}");
        Assert.AreEqual(shuffled.Reward, sorted.Reward, 0.1, $"the exported architecture's reward: sorted {sorted.Reward:P1}, shuffled {shuffled.Reward:P1}");
        Assert.AreEqual(shuffled.Accuracy, sorted.Accuracy, 0.06, $"test accuracy: sorted {sorted.Accuracy:P1}, shuffled {shuffled.Accuracy:P1}");
    }
}
