using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Gdas;
using Microsoft.ML.Nas.Tests.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Gdas;

[TestClass]
public sealed class GdasTrainerTests
{
    [TestMethod]
    public void The_temperature_falls_linearly_per_epoch_from_10_to_0_1()
    {
        var options = new GdasTrainerOptions { Epochs = 5 };

        Assert.AreEqual(10.0, options.TemperatureAt(0));
        Assert.AreEqual(0.1, options.TemperatureAt(4), 1e-12);
        Assert.AreEqual((10.0 + 0.1) / 2, options.TemperatureAt(2), 1e-12);
        Assert.AreEqual(10.0, new GdasTrainerOptions { Epochs = 1 }.TemperatureAt(0), "a one-epoch search stays at the start");
    }

    [TestMethod]
    public void A_search_records_the_schedules_end_points_learns_and_exports()
    {
        using var data = Digits(512);
        random.manual_seed(3);
        using var model = new EdgeNet(784, 8, 10);
        using var trainer = new GdasTrainer(model, new GdasTrainerOptions
        {
            TrainData = data, ValidData = data, Epochs = 3, BatchSize = 32, Device = "cpu", LogFrequency = 0, LearningRate = 0.1,
            ArchitectureLearningRate = 0.01,
        });
        var initial = trainer.Mutator.Weights();

        var history = trainer.Train();

        CollectionAssert.AreEqual(new[] { 10.0, 5.05, 0.1 }, history.Select(r => Math.Round(r.Values["temperature"], 10)).ToArray());
        Assert.IsTrue(history.All(r => double.IsFinite(r.TrainLoss) && r.Values.ContainsKey("arch_loss")));
        Assert.IsTrue(history[^1].ValidMetric > 0.3, $"chance is 0.1; the supernet reached {history[^1].ValidMetric:F3}");
        Assert.IsTrue(history[^1].ArchitectureWeights.Any(p => Math.Abs(p.Value[0] - initial[p.Key][0]) > 1e-3), "the alphas moved");
        Assert.AreEqual(2, trainer.Export()["n2_switch"].Names.Count);
    }

    [TestMethod]
    public void Checkpoint_then_resume_gives_the_same_alphas_and_weights_as_an_uninterrupted_run()
    {
        using var data = Digits(256);
        ResumeCheck.AssertBitExact<GdasStrategy>(settings =>
        {
            var model = new EdgeNet(784, 16, 10);
            var trainer = new GdasTrainer(model, new GdasTrainerOptions
            {
                TrainData = data, Epochs = 2, BatchSize = 32, Device = "cpu", Seed = 5, Threads = 1, LogFrequency = 0,
                CheckpointDirectory = settings.Directory, CancellationToken = settings.Token, Progress = settings.Progress,
            });
            return (trainer, model, () => trainer.Mutator.Alphas);
        });
    }

    [TestMethod]
    public void Bad_temperatures_are_refused_by_name()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GdasTrainerOptions { InitialTemperature = 0 }.Validate()).Message,
            nameof(GdasTrainerOptions.InitialTemperature));
        Assert.AreEqual("Search.FinalTemperature",
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GdasTrainerOptions { FinalTemperature = double.NaN }.Validate("Search.")).ParamName);
    }

    private static TensorDataset Digits(int count)
    {
        TorchRuntime.EnsureAvailable();
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..count];
        return TensorDataset.FromArrays(digits.GetFeatures(indices), [784], digits.GetLabels(indices), DeviceSelection.Resolve("cpu"), 10);
    }
}
