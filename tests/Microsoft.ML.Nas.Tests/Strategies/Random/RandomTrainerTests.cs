using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Strategies.Random;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using static Microsoft.ML.Nas.Tests.Strategies.SinglePathFixture;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Random;

[TestClass]
public sealed class RandomTrainerTests
{
    private static RandomTrainerOptions Options(Microsoft.ML.Nas.Data.TensorDataset train, Microsoft.ML.Nas.Data.TensorDataset? valid, int epochs = 1) => new()
    {
        TrainData = train, ValidData = valid, Epochs = epochs, BatchSize = 16, StepsPerEpoch = 4, ExportSamples = 4,
        Device = "cpu", Threads = 1, Seed = 5, LogFrequency = 0, ReleaseFreedMemory = false,
    };

    [TestMethod]
    public void A_search_trains_the_shared_weights_and_exports_the_best_of_its_samples_repeatably()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(160);
        using var valid = EnasSearchFixture.Digits(48, offset: 160);
        using var model = EnasSearchFixture.Model();
        var before = Flatten(model);
        var options = Options(train, valid);
        // Scored with the running statistics, the exported candidate's score is what evaluating the supernet gives.
        options.BatchNormBatches = 0;
        using var trainer = new RandomTrainer(model, options);
        var history = trainer.Train();
        Assert.HasCount(1, history);
        Assert.IsNotNull(history[0].ValidMetric);
        CollectionAssert.AreNotEqual(before, Flatten(model), "training steps change the shared weights");

        ulong position = trainer.Mutator.SamplerState;
        var exported = trainer.Export();
        Assert.AreEqual(position, trainer.Mutator.SamplerState, "exporting does not advance the sampling stream");
        var candidates = trainer.ExportCandidates;
        Assert.HasCount(4, candidates);
        var best = candidates.Single(c => c.Exported);
        Assert.AreEqual(candidates.Max(c => c.Score), best.Score);
        Assert.AreEqual(exported.ToJson(), best.Architecture.ToJson());
        Assert.AreEqual(best.Score, trainer.Evaluate(valid).Metric, 1e-9, "the supernet is left on the exported architecture");
        Assert.AreEqual(exported.ToJson(), trainer.Export().ToJson());
    }

    [TestMethod]
    public void By_default_each_draw_is_scored_with_batch_norm_statistics_of_its_own_path()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(160);
        using var valid = EnasSearchFixture.Digits(48, offset: 160);
        using var model = EnasSearchFixture.Model();
        var options = Options(train, valid);
        Assert.AreEqual(8, options.BatchNormBatches);
        using var trainer = new RandomTrainer(model, options);
        trainer.Train();
        var buffers = FlattenBuffers(model);
        var exported = trainer.Export();
        CollectionAssert.AreEqual(buffers, FlattenBuffers(model), "re-estimating for a score puts the running statistics back");
        var best = trainer.ExportCandidates.Single(c => c.Exported);
        // The running statistics mix every path's; the score the export used is not the one they give.
        Assert.AreNotEqual(best.Loss, trainer.Evaluate(valid).Loss, 1e-6);
        Assert.AreEqual(exported.ToJson(), trainer.Export().ToJson(), "and the export stays repeatable");
    }

    private static float[] FlattenBuffers(TorchSharp.torch.nn.Module model) =>
        model.named_buffers().Where(b => b.buffer.is_floating_point()).SelectMany(b => b.buffer.cpu().data<float>().ToArray()).ToArray();

    [TestMethod]
    public void Without_validation_data_architectures_are_scored_on_a_stratified_share_held_out_of_training()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(200);
        using var model = EnasSearchFixture.Model();
        using var trainer = new RandomTrainer(model, Options(train, null));
        var streams = trainer.Loop.Context.Streams;
        Assert.AreEqual(180, streams["random-train"].Sampler.Count, "a tenth is held out of the supernet's training");
        trainer.Train();
        trainer.Export();
        Assert.HasCount(4, trainer.ExportCandidates);
    }

    [TestMethod]
    public void Resuming_from_a_checkpoint_gives_what_an_uninterrupted_run_gives() => InTemporaryFolder("random-resume", folder =>
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(128);
        using var valid = EnasSearchFixture.Digits(32, offset: 128);
        (float[] Weights, string Architecture, double Loss) Run(Action<RandomTrainerOptions>? configure, string? resumeFrom)
        {
            random.manual_seed(99);
            using var model = EnasSearchFixture.Model();
            var options = Options(train, valid, epochs: 3);
            options.WeightDecay = 1e-2;
            configure?.Invoke(options);
            using var trainer = new RandomTrainer(model, options);
            if (resumeFrom is not null)
            {
                trainer.Resume(resumeFrom);
            }
            trainer.Train();
            return (Flatten(model), trainer.Export().ToJson(), trainer.History[^1].TrainLoss);
        }

        var uninterrupted = Run(null, null);
        using var cancellation = new CancellationTokenSource();
        Assert.ThrowsExactly<OperationCanceledException>(() => Run(options =>
        {
            options.CheckpointDirectory = folder;
            options.CancellationToken = cancellation.Token;
            options.Progress = new CancelAfterEpoch(2, cancellation);
        }, null));
        var resumed = Run(null, folder);
        CollectionAssert.AreEqual(uninterrupted.Weights, resumed.Weights);
        Assert.AreEqual(uninterrupted.Architecture, resumed.Architecture);
        Assert.AreEqual(uninterrupted.Loss, resumed.Loss);
    });

    [TestMethod]
    public void The_export_keeps_to_MaxParameters_and_an_unreachable_budget_names_the_smallest_network()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(96);
        using var valid = EnasSearchFixture.Digits(32, offset: 96);
        using var model = EnasSearchFixture.Model();
        var counter = new ParameterCounter(model);
        long budget = (counter.Smallest + Largest(model, counter)) / 2;
        var options = Options(train, valid);
        options.MaxParameters = budget;
        options.ExportSamples = 6;
        using (var trainer = new RandomTrainer(model, options))
        {
            trainer.Train();
            var exported = trainer.Export();
            Assert.HasCount(6, trainer.ExportCandidates);
            Assert.IsTrue(trainer.ExportCandidates.All(c => c.Parameters <= budget));
            Assert.AreEqual(trainer.ExportCandidates.Single(c => c.Exported).Parameters, Built(exported), "the count is the built network's");
        }

        using var fresh = EnasSearchFixture.Model();
        options.MaxParameters = counter.Smallest - 1;
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RandomTrainer(fresh, options));
        Assert.AreEqual("MaxParameters", error.ParamName);
        StringAssert.Contains(error.Message, $"has {counter.Smallest.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} parameters");
    }
}
