using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Tests.Runtime;
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
        ResumeCheck.AssertBitExact<DartsStrategy>(settings =>
        {
            var model = new EdgeNet(784, 16, 10);
            var trainer = new DartsTrainer(model, new DartsTrainerOptions
            {
                TrainData = data, Epochs = 2, BatchSize = 32, Device = "cpu", Seed = 5, Threads = 1, LogFrequency = 0,
                CheckpointDirectory = settings.Directory, CancellationToken = settings.Token, Progress = settings.Progress,
            });
            return (trainer, model, () => trainer.Mutator.Alphas);
        });
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

    [TestMethod]
    public void Search_steps_on_the_cpu_keep_resident_memory_flat()
    {
        GlibcHeap.Require();
        using var data = Digits(512, [1, 28, 28]);
        random.manual_seed(2);
        using var model = new DartsNetwork(1, 28, 4, 10, layers: 3, nodes: 2);
        using var trainer = new DartsTrainer(model, new DartsTrainerOptions
        {
            TrainData = data, Epochs = 1, BatchSize = 16, Device = "cpu", LogFrequency = 0,
        });
        var phase = trainer.Loop.Strategy.PlanEpoch(0)[0];
        var guard = trainer.Loop.Context.MemoryGuard;
        Assert.IsNotNull(guard, "releasing freed memory is the default");

        var resident = new List<long>();
        long? footprintAfterWarmup = null;
        long liveAfterWarmup = 0;
        for (int step = 0; step < 32; step++)
        {
            trainer.Loop.RunStep(phase, step % phase.Steps);
            resident.Add(NativeHeap.ResidentBytes());
            if (step == 7)
            {
                footprintAfterWarmup = guard.CleanFootprint;
                liveAfterWarmup = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            }
        }

        Console.WriteLine($"resident MiB by step: {string.Join(" ", resident.Select(r => r >> 20))}; {guard.Releases} releases; " +
            $"clean footprint {footprintAfterWarmup >> 20} MiB after 8 steps, {guard.CleanFootprint >> 20} MiB after 32");
        Assert.IsTrue(guard.Releases >= 1);
        Assert.AreEqual(liveAfterWarmup, DisposeScopeManager.Statistics.ThreadTotalLiveCount, "tensors left alive by steps");
        Assert.IsTrue(resident.Skip(8).Max() <= guard.CleanFootprint * (1 + guard.Slack) + (8L << 20), "the guard holds memory within its slack");
        // What a pass needs from a released heap stays put: a step that kept its activations (~100 MiB here) would raise
        // it by that much every step, and released memory cannot hide a leak.
        Assert.IsTrue(guard.CleanFootprint - footprintAfterWarmup < 64L << 20,
            $"the clean footprint grew from {footprintAfterWarmup >> 20} to {guard.CleanFootprint >> 20} MiB over 24 steps");
    }

    [TestMethod]
    public void Releasing_freed_memory_can_be_turned_off_and_its_slack_is_checked()
    {
        using var data = Digits(64);
        using var model = new EdgeNet(784, 8, 10);
        using var trainer = new DartsTrainer(model, new DartsTrainerOptions { TrainData = data, Device = "cpu", ReleaseFreedMemory = false });
        Assert.IsNull(trainer.Loop.Context.MemoryGuard);

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DartsTrainer(model, new DartsTrainerOptions { TrainData = data, Device = "cpu", FreedMemorySlack = -1 }));
        StringAssert.Contains(error.Message, nameof(OneShotTrainerOptions.FreedMemorySlack));
    }

    private static TensorDataset Digits(int count, long[]? sampleShape = null)
    {
        TorchRuntime.EnsureAvailable();
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..count];
        return TensorDataset.FromArrays(digits.GetFeatures(indices), sampleShape ?? [784], digits.GetLabels(indices), DeviceSelection.Resolve("cpu"), 10);
    }
}
