using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Enas;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

[TestClass]
public sealed class EnasTrainerTests
{
    public TestContext TestContext { get; set; } = null!;

    // Handles that earlier code dropped without disposing are finalized at unpredictable times; collect them first, so
    // the count shows only tensors something still holds.
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }

    private static float[] Flatten(nn.Module module) =>
        module.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [TestMethod]
    public void A_search_trains_the_shared_weights_and_the_controller_and_records_both()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(200);
        using var valid = EnasSearchFixture.Digits(64, offset: 200);
        using var model = EnasSearchFixture.Model();
        var weightsBefore = Flatten(model);
        using var trainer = new EnasTrainer(model, EnasSearchFixture.Options(train, valid));
        var controllerBefore = Flatten(trainer.Mutator.Controller);
        var history = trainer.Train();
        Assert.HasCount(2, history);
        foreach (var name in new[] { "reward", "baseline", "entropy", "skip_penalty", "controller_loss", "top_architecture_probability", "top_architecture_changes",
            "top_architecture_pool_or_skip_share" })
        {
            Assert.IsTrue(history[^1].Values.ContainsKey(name), $"The history records '{name}'.");
        }
        foreach (var epoch in history)
        {
            // The macro space of 2 layers has 3 decisions: two ops and one skip choice.
            Assert.IsTrue(epoch.Values["top_architecture_probability"] is > 0 and <= 1);
            Assert.IsTrue(epoch.Values["top_architecture_changes"] is >= 0 and <= 3 && epoch.Values["top_architecture_changes"] % 1 == 0);
            Assert.IsTrue(epoch.Values["top_architecture_pool_or_skip_share"] is 0 or 0.5 or 1, "two op choices: 0, 1 or 2 of them pools");
        }
        Assert.IsTrue(double.IsFinite(history[^1].TrainLoss));
        Assert.IsNotNull(history[^1].ValidMetric);
        CollectionAssert.AreNotEqual(weightsBefore, Flatten(model), "Child steps change the shared weights.");
        CollectionAssert.AreNotEqual(controllerBefore, Flatten(trainer.Mutator.Controller), "Controller steps change the controller.");
        Assert.AreEqual(0, trainer.Reinforce.PendingSamples, "Each controller step ends on a full aggregation window.");
    }

    [TestMethod]
    public void The_reward_data_is_a_stratified_tenth_of_the_training_data_held_out_of_the_child_steps()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(205);
        using var model = EnasSearchFixture.Model();
        using var trainer = new EnasTrainer(model, EnasSearchFixture.Options(train, null));
        var strategy = (EnasStrategy)trainer.Loop.Strategy;
        Assert.AreEqual(20, strategy.RewardData.Count);
        SortedDigits.AssertProportional(train, strategy.RewardData, "the reward data");
    }

    [TestMethod]
    public void Export_best_picks_the_highest_reward_sample_records_every_candidate_and_is_repeatable()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(200);
        using var valid = EnasSearchFixture.Digits(64, offset: 200);
        using var model = EnasSearchFixture.Model();
        using var trainer = new EnasTrainer(model, EnasSearchFixture.Options(train, valid, epochs: 1));
        trainer.Train();
        ulong position = trainer.Mutator.SamplerState;
        var exported = trainer.Export();
        Assert.AreEqual(position, trainer.Mutator.SamplerState, "Exporting does not advance the sampling stream.");
        var candidates = trainer.ExportCandidates;
        Assert.HasCount(4, candidates);
        var best = candidates.Single(c => c.Exported);
        Assert.AreEqual(candidates.Max(c => c.Reward), best.Reward);
        Assert.AreEqual(exported.ToJson(), best.Architecture.ToJson());
        // The supernet is left on the exported architecture: scoring it again, with the batch statistics rewards use by
        // default, gives the recorded reward.
        var again = Evaluation.Run(model, valid, trainer.Loop.Options.BatchSize, (logits, labels) => nn.functional.cross_entropy(logits, labels), Metrics.Accuracy,
            CancellationToken.None, batchStatistics: true);
        Assert.AreEqual(best.Reward, again.Metric, 1e-9);
        Assert.AreEqual(exported.ToJson(), trainer.Export().ToJson(), "A second export draws the same samples.");
    }

    [TestMethod]
    public void Single_sample_export_is_one_unevaluated_draw_as_in_nni()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(120);
        using var model = EnasSearchFixture.Model();
        var options = EnasSearchFixture.Options(train, null, epochs: 1);
        options.ExportMode = EnasExportMode.SingleSample;
        using var trainer = new EnasTrainer(model, options);
        trainer.Train();
        var exported = trainer.Export();
        var only = trainer.ExportCandidates.Single();
        Assert.IsTrue(only.Exported);
        Assert.IsTrue(double.IsNaN(only.Reward));
        Assert.AreEqual(exported.ToJson(), only.Architecture.ToJson());
    }

    [TestMethod]
    public void Resuming_from_a_checkpoint_gives_what_an_uninterrupted_run_gives()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(160);
        using var valid = EnasSearchFixture.Digits(32, offset: 160);
        string directory = Path.Combine(Path.GetTempPath(), $"enas-resume-{Guid.NewGuid():N}");
        try
        {
            (float[] Weights, float[] Controller, double Baseline, string Architecture, double Loss) Run(Action<EnasTrainerOptions>? configure, string? resumeFrom)
            {
                random.manual_seed(99);
                using var model = EnasSearchFixture.Model();
                var options = EnasSearchFixture.Options(train, valid, epochs: 3);
                configure?.Invoke(options);
                using var trainer = new EnasTrainer(model, options);
                if (resumeFrom is not null)
                {
                    trainer.Resume(resumeFrom);
                }
                trainer.Train();
                return (Flatten(model), Flatten(trainer.Mutator.Controller), trainer.Reinforce.Baseline, trainer.Export().ToJson(), trainer.History[^1].TrainLoss);
            }

            var uninterrupted = Run(null, null);
            // Interrupted after epoch 2: the checkpoint written at its end is where the search resumes.
            using var cancellation = new CancellationTokenSource();
            Assert.ThrowsExactly<OperationCanceledException>(() => Run(options =>
            {
                options.CheckpointDirectory = directory;
                options.CancellationToken = cancellation.Token;
                options.Progress = new CancelAfterEpoch(2, cancellation);
            }, null));
            var resumed = Run(null, directory);
            CollectionAssert.AreEqual(uninterrupted.Weights, resumed.Weights);
            CollectionAssert.AreEqual(uninterrupted.Controller, resumed.Controller);
            Assert.AreEqual(uninterrupted.Baseline, resumed.Baseline);
            Assert.AreEqual(uninterrupted.Architecture, resumed.Architecture);
            Assert.AreEqual(uninterrupted.Loss, resumed.Loss);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Child_and_controller_steps_leave_no_tensor_behind(bool micro)
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(120);
        using var model = micro
            ? SearchSpaceRegistry.Build(SearchSpaces.EnasMicro(layers: 0, nodes: 2, channels: 2, auxiliary: true), new SpaceContext([1, 28, 28], 10))
            : EnasSearchFixture.Model();
        using var trainer = new EnasTrainer(model, EnasSearchFixture.Options(train, null));
        var strategy = trainer.Loop.Strategy;
        void Steps(int count)
        {
            for (int i = 0; i < count; i++)
            {
                foreach (var phase in new[] { new OneShotPhase("child", 1), new OneShotPhase("controller", 1) })
                {
                    using var scope = NewDisposeScope();
                    strategy.Step(phase, 0);
                }
            }
        }
        model.train();
        // A candidate gets its gradient and momentum buffer the first time it is sampled; give every weight both now,
        // so that what follows measures the steps alone.
        using (no_grad())
        {
            foreach (var parameter in model.parameters())
            {
                using var zero = zeros_like(parameter);
                parameter.grad = zero;
            }
        }
        Steps(3);
        long before = LiveTensors();
        Steps(10);
        Assert.AreEqual(before, LiveTensors());
    }

    [TestMethod]
    public void Options_out_of_range_are_refused_by_name()
    {
        using var train = EnasSearchFixture.Digits(50);
        using var model = EnasSearchFixture.Model();
        var options = EnasSearchFixture.Options(train, null);
        options.RewardFraction = 0;
        var range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EnasTrainer(model, options));
        Assert.AreEqual("RewardFraction", range.ParamName);
        options = EnasSearchFixture.Options(EnasSearchFixture.Digits(5), null);
        var error = Assert.ThrowsExactly<ArgumentException>(() => new EnasTrainer(model, options));
        StringAssert.Contains(error.Message, "5 samples leave none");
        options.TrainData = null;
        error = Assert.ThrowsExactly<ArgumentException>(() => new EnasTrainer(model, options));
        Assert.AreEqual("TrainData", error.ParamName);
    }
}

/// <summary>Cancels a search when the report of epoch <c>epochs</c>' end arrives (synchronously, unlike Progress&lt;T&gt;).</summary>
internal sealed class CancelAfterEpoch(int epochs, CancellationTokenSource cancellation) : IProgress<OneShotProgress>
{
    public void Report(OneShotProgress value)
    {
        if (value.Completed is { } record && record.Epoch + 1 == epochs)
        {
            cancellation.Cancel();
        }
    }
}
