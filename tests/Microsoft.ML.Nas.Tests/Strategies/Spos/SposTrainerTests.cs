using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies.Spos;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using static Microsoft.ML.Nas.Tests.Strategies.SinglePathFixture;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Spos;

[TestClass]
public sealed class SposTrainerTests
{
    private static SposTrainerOptions Options(TensorDataset train, TensorDataset? valid, int epochs = 2) => new()
    {
        TrainData = train, ValidData = valid, Epochs = epochs, BatchSize = 16, StepsPerEpoch = 3,
        PopulationSize = 4, Generations = 3, ParentCount = 2, CrossoverCount = 2, MutationCount = 2, MutationProbability = 0.3, BatchNormBatches = 2,
        Device = "cpu", Threads = 1, Seed = 4, LogFrequency = 0, ReleaseFreedMemory = false,
    };

    [TestMethod]
    public void The_last_epoch_evolves_within_the_budget_and_the_export_is_the_best_candidate()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(96);
        using var valid = EnasSearchFixture.Digits(32, offset: 96);
        using var model = EnasSearchFixture.Model();
        var counter = new ParameterCounter(model);
        long budget = (counter.Smallest + Largest(model, counter)) / 2;
        var options = Options(train, valid);
        options.MaxParameters = budget;
        using var trainer = new SposTrainer(model, options);
        var history = trainer.Train();

        Assert.AreEqual(3, trainer.Generation);
        Assert.IsFalse(history[0].Values.ContainsKey("best_score"), "the first epoch only trains");
        var candidates = trainer.Candidates;
        Assert.IsGreaterThanOrEqualTo(4, candidates.Count);
        Assert.IsTrue(candidates.All(c => c.Parameters <= budget), "candidates outside the budget are never scored");
        var best = candidates.Single(c => c.Exported);
        Assert.AreEqual(candidates.Max(c => c.Score), best.Score);
        Assert.AreEqual(best.Score, history[^1].Values["best_score"]);
        var exported = trainer.Export();
        Assert.AreEqual(best.Architecture.ToJson(), exported.ToJson());
        Assert.AreEqual(best.Parameters, Built(exported));
        Assert.AreEqual(3, trainer.Generation, "an export after the evolution runs nothing more");
    }

    [TestMethod]
    public void Under_a_time_budget_an_unfinished_evolution_exports_its_best_so_far_instead_of_running_past_the_budget()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(96);
        using var valid = EnasSearchFixture.Digits(32, offset: 96);
        foreach (var (budget, generations) in new (TimeSpan?, int)[] { (null, 3), (TimeSpan.FromHours(1), 1) })
        {
            using var model = EnasSearchFixture.Model();
            var options = Options(train, valid);
            options.TimeBudget = budget;
            using var trainer = new SposTrainer(model, options);
            // An export before the last epoch's evolution: all of it without a budget, one generation within one.
            var exported = trainer.Export();
            Assert.AreEqual(generations, trainer.Generation, $"budget {budget}");
            Assert.AreEqual(trainer.Candidates.Single(c => c.Exported).Architecture.ToJson(), exported.ToJson());
        }
    }

    [TestMethod]
    public void Scoring_re_estimates_batch_norm_per_candidate_and_puts_the_statistics_and_random_state_back()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(96);
        using var valid = EnasSearchFixture.Digits(32, offset: 96);
        using var model = EnasSearchFixture.Model();
        var options = Options(train, valid, epochs: 1);
        using var trainer = new SposTrainer(model, options);
        var buffers = model.buffers().SelectMany(b => b.detach().cpu().to(ScalarType.Float64).data<double>().ToArray()).ToArray();
        using var rng = random.get_rng_state();
        var rngBefore = rng.data<byte>().ToArray();

        // Before training, an export runs the whole evolution, scoring each candidate.
        trainer.Export();
        Assert.IsGreaterThanOrEqualTo(4, trainer.Candidates.Count);
        CollectionAssert.AreEqual(buffers, model.buffers().SelectMany(b => b.detach().cpu().to(ScalarType.Float64).data<double>().ToArray()).ToArray());
        using var after = random.get_rng_state();
        CollectionAssert.AreEqual(rngBefore, after.data<byte>().ToArray());

        // Without re-estimation the supernet's running statistics (all at their start) score differently.
        using var plainModel = EnasSearchFixture.Model();
        options.BatchNormBatches = 0;
        using var plain = new SposTrainer(plainModel, options);
        plain.Export();
        CollectionAssert.AreNotEqual(trainer.Candidates.Select(c => c.Loss).ToArray(), plain.Candidates.Select(c => c.Loss).ToArray());
    }

    [TestMethod]
    public void Batch_norm_without_momentum_averages_the_batches_it_sees()
    {
        // What the re-estimation relies on: with momentum null, libtorch keeps a cumulative average, so a few batches
        // give their own statistics rather than 10% of them mixed into the reset values.
        using var norm = nn.BatchNorm1d(2);
        norm.momentum = null;
        norm.train();
        using var first = tensor(new float[] { 1, 10, 3, 30 }).reshape(2, 2);
        using var second = tensor(new float[] { 5, 50, 7, 70 }).reshape(2, 2);
        using (no_grad())
        {
            norm.call(first).Dispose();
            norm.call(second).Dispose();
        }
        CollectionAssert.AreEqual(new float[] { 4, 40 }, norm.running_mean!.data<float>().ToArray());
    }

    [TestMethod]
    public void Resuming_gives_the_weights_evolution_and_export_of_an_uninterrupted_run() => InTemporaryFolder("spos-resume", folder =>
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(96);
        using var valid = EnasSearchFixture.Digits(32, offset: 96);
        (float[] Weights, string[] Candidates, string Architecture) Run(Action<SposTrainerOptions>? configure, string? resumeFrom, bool doTrain = true)
        {
            random.manual_seed(99);
            using var model = EnasSearchFixture.Model();
            var options = Options(train, valid);
            options.WeightDecay = 1e-2;
            configure?.Invoke(options);
            using var trainer = new SposTrainer(model, options);
            if (resumeFrom is not null)
            {
                trainer.Resume(resumeFrom);
            }
            if (doTrain)
            {
                trainer.Train();
            }
            var architecture = trainer.Export().ToJson();
            return (Flatten(model), trainer.Candidates.Select(c => $"{c.Architecture.ToJson()} {c.Score:R} {c.Loss:R}").ToArray(), architecture);
        }

        var uninterrupted = Run(options => options.CheckpointDirectory = Path.Combine(folder, "whole"), null);
        using var cancellation = new CancellationTokenSource();
        Assert.ThrowsExactly<OperationCanceledException>(() => Run(options =>
        {
            options.CheckpointDirectory = Path.Combine(folder, "cut");
            options.CancellationToken = cancellation.Token;
            options.Progress = new CancelAfterEpoch(1, cancellation);
        }, null));
        var resumed = Run(null, Path.Combine(folder, "cut"));
        CollectionAssert.AreEqual(uninterrupted.Weights, resumed.Weights);
        CollectionAssert.AreEqual(uninterrupted.Candidates, resumed.Candidates);
        Assert.AreEqual(uninterrupted.Architecture, resumed.Architecture);

        // The last checkpoint holds the finished evolution: its export needs no more scoring.
        var finished = Run(null, Path.Combine(folder, "whole"), doTrain: false);
        CollectionAssert.AreEqual(uninterrupted.Candidates, finished.Candidates);
        Assert.AreEqual(uninterrupted.Architecture, finished.Architecture);
    });
}
