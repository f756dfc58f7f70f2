using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Darts;

[TestClass]
public sealed class DartsTrainerTests
{
    [TestMethod]
    public void Checkpoint_then_resume_gives_the_same_alphas_and_weights_as_an_uninterrupted_run()
    {
        using var data = Digits(256);
        string folder = Path.Combine(Path.GetTempPath(), $"darts-resume-{Guid.NewGuid():N}");
        try
        {
            var (uninterruptedAlphas, uninterruptedWeights) = Run(data, folder: null, stopAfterFirstEpoch: false, resume: false);
            Assert.ThrowsExactly<OperationCanceledException>(() => Run(data, folder, stopAfterFirstEpoch: true, resume: false));
            var (resumedAlphas, resumedWeights) = Run(data, folder, stopAfterFirstEpoch: false, resume: true);

            foreach (var (key, alpha) in uninterruptedAlphas)
            {
                CollectionAssert.AreEqual(alpha, resumedAlphas[key], $"alphas of {key}");
            }
            foreach (var (name, weight) in uninterruptedWeights)
            {
                CollectionAssert.AreEqual(weight, resumedWeights[name], $"weights of {name}");
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [TestMethod]
    public void Second_order_search_runs_and_records_history_with_architecture_weights()
    {
        using var data = Digits(128);
        random.manual_seed(3);
        using var model = new EdgeNet(784, 8, 10);
        var lines = new List<string>();
        using var trainer = new DartsTrainer(model, new DartsTrainerOptions
        {
            TrainData = data, ValidData = data, Epochs = 2, BatchSize = 32, Device = "cpu", Unrolled = true, LogFrequency = 1, Log = lines.Add,
        });

        var history = trainer.Train();

        Assert.HasCount(2, history);
        Assert.IsTrue(history.All(r => r.ValidMetric is >= 0 and <= 1 && double.IsFinite(r.TrainLoss) && r.Values.ContainsKey("arch_loss")));
        Assert.HasCount(3, history[1].ArchitectureWeights);
        Assert.IsTrue(history[0].LearningRate > history[1].LearningRate, "the cosine schedule lowers the rate");
        Assert.IsTrue(lines.Count >= 4, "a log line every step");
        Assert.IsNotNull(trainer.Export()["n2_switch"]);
    }

    private static (Dictionary<string, float[]> Alphas, Dictionary<string, float[]> Weights) Run(TensorDataset data, string? folder, bool stopAfterFirstEpoch, bool resume)
    {
        // A different initialization when resuming: everything must come from the checkpoint.
        random.manual_seed(resume ? 99 : 5);
        using var model = new EdgeNet(784, 16, 10);
        using var cancellation = new CancellationTokenSource();
        var options = new DartsTrainerOptions
        {
            TrainData = data, Epochs = 2, BatchSize = 32, Device = "cpu", Seed = 5, Threads = 1, LogFrequency = 0,
            CheckpointDirectory = folder, CancellationToken = cancellation.Token,
            Progress = stopAfterFirstEpoch ? new Inline(p => { if (p.Completed is not null) cancellation.Cancel(); }) : null,
        };
        using var trainer = new DartsTrainer(model, options);
        if (resume)
        {
            trainer.Resume(folder!);
            Assert.AreEqual(1, trainer.Loop.CompletedEpochs);
        }
        trainer.Train();
        var alphas = trainer.Mutator.Alphas.ToDictionary(p => p.Key, p => p.Value.detach().data<float>().ToArray());
        var weights = model.state_dict().ToDictionary(p => p.Key, p => p.Value.to(ScalarType.Float32).data<float>().ToArray());
        return (alphas, weights);
    }

    private static TensorDataset Digits(int count)
    {
        TorchRuntime.EnsureAvailable();
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..count];
        return TensorDataset.FromArrays(digits.GetFeatures(indices), [784], digits.GetLabels(indices), DeviceSelection.Resolve("cpu"), 10);
    }

    private sealed class Inline(Action<OneShotProgress> report) : IProgress<OneShotProgress>
    {
        public void Report(OneShotProgress value) => report(value);
    }
}
