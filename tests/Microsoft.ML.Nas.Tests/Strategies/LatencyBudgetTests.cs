using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.Enas;
using Microsoft.ML.Nas.Strategies.Proxyless;
using Microsoft.ML.Nas.Strategies.Random;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using static Microsoft.ML.Nas.Tests.Strategies.SinglePathFixture;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>
/// MaxLatency in the strategies. Each test measures the space's table first into a fresh cache folder, so the trainer
/// reads the very same numbers and the budgets (midpoints of the table's own values) are exact, whatever the machine's
/// load made of the timings.
/// </summary>
[TestClass]
public sealed class LatencyBudgetTests
{
    private static readonly long[] Sample = [MnistDigits.Side * MnistDigits.Side];

    [TestMethod]
    public void Darts_decides_in_order_within_the_latency_its_cached_table_predicts() => InTemporaryFolder("latency-darts", folder =>
    {
        using var data = Flat(64);
        var (table, cost, space) = MeasuredTable(folder);
        var (free, _, _) = DartsExport(data, folder, cost, maxLatency: null);
        double freeMilliseconds = cost.Of(ArchitectureResolver.ToMasks(free, space));
        Assert.IsGreaterThan(cost.Smallest, freeMilliseconds, "the free export is slower than the fastest network");
        var budget = TimeSpan.FromMilliseconds((freeMilliseconds + cost.Smallest) / 2);

        var (budgeted, latency, fromCache) = DartsExport(data, folder, cost, budget);
        Assert.IsTrue(fromCache, "the trainer read the table measured above");
        Assert.IsLessThanOrEqualTo(budget.TotalMilliseconds, cost.Of(ArchitectureResolver.ToMasks(budgeted, space)));
        Assert.AreNotEqual(free.ToJson(), budgeted.ToJson());
        Assert.IsNotNull(latency);
        Assert.AreEqual(1, latency.BatchSize);
        Assert.AreEqual(table.Predict(budgeted), latency.Predicted, "the reported prediction is the table's");
        Assert.IsGreaterThan(TimeSpan.Zero, latency.Measured);
    });

    [TestMethod]
    public void Random_and_Enas_score_only_draws_predicted_within_MaxLatency() => InTemporaryFolder("latency-sampling", folder =>
    {
        var (table, cost, space) = MeasuredTable(folder);
        double largest = cost.Fixed + space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice)
            .Sum(d => Enumerable.Range(0, d.CandidateCount).Max(i => cost.Cost(d.Key, i)));
        var budget = TimeSpan.FromMilliseconds((cost.Smallest + largest) / 2);
        using var train = Flat(96);
        using var valid = Flat(32, offset: 96);

        using (var model = Mlp())
        {
            using var trainer = new RandomTrainer(model, new RandomTrainerOptions
            {
                TrainData = train, ValidData = valid, Epochs = 1, BatchSize = 16, StepsPerEpoch = 2, ExportSamples = 6, Device = "cpu", Threads = 1,
                Seed = 3, LogFrequency = 0, ReleaseFreedMemory = false, MaxLatency = budget, LatencyCacheDirectory = folder,
            });
            trainer.Train();
            var exported = trainer.Export();
            Assert.HasCount(6, trainer.ExportCandidates);
            foreach (var candidate in trainer.ExportCandidates)
            {
                Assert.AreEqual(table.Predict(candidate.Architecture), candidate.PredictedLatency);
                Assert.IsLessThanOrEqualTo(budget.TotalMilliseconds, cost.Of(ArchitectureResolver.ToMasks(candidate.Architecture, space)));
            }
            Assert.AreEqual(table.Predict(exported), trainer.Loop.ExportedLatency!.Predicted);
        }

        using (var model = Mlp())
        {
            var options = EnasSearchFixture.Options(train, valid, epochs: 1);
            options.MaxLatency = budget;
            options.LatencyCacheDirectory = folder;
            options.ReleaseFreedMemory = false;
            using var trainer = new EnasTrainer(model, options);
            trainer.Train();
            trainer.Export();
            Assert.HasCount(options.ExportSamples, trainer.ExportCandidates);
            Assert.IsTrue(trainer.ExportCandidates.All(c => cost.Of(ArchitectureResolver.ToMasks(c.Architecture, space)) <= budget.TotalMilliseconds));
        }
    });

    [TestMethod]
    public void Spos_scores_only_candidates_within_MaxLatency_and_MaxParameters_together() => InTemporaryFolder("latency-spos", folder =>
    {
        var (table, cost, space) = MeasuredTable(folder);
        var layerChoices = space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice).ToList();
        double largest = cost.Fixed + layerChoices.Sum(d => Enumerable.Range(0, d.CandidateCount).Max(i => cost.Cost(d.Key, i)));
        var maxLatency = TimeSpan.FromMilliseconds((cost.Smallest + largest) / 2);
        using var train = Flat(96);
        using var valid = Flat(32, offset: 96);
        using var model = Mlp();
        var counter = new ParameterCounter(model);
        long maxParameters = (counter.Smallest + Largest(model, counter)) / 2;
        using var trainer = new Microsoft.ML.Nas.Strategies.Spos.SposTrainer(model, new Microsoft.ML.Nas.Strategies.Spos.SposTrainerOptions
        {
            TrainData = train, ValidData = valid, Epochs = 1, BatchSize = 16, StepsPerEpoch = 2,
            PopulationSize = 4, Generations = 2, ParentCount = 2, CrossoverCount = 2, MutationCount = 2, MutationProbability = 0.3, BatchNormBatches = 1,
            Device = "cpu", Threads = 1, Seed = 4, LogFrequency = 0, ReleaseFreedMemory = false,
            MaxLatency = maxLatency, MaxParameters = maxParameters, LatencyCacheDirectory = folder,
        });
        trainer.Train();
        var exported = trainer.Export();
        Assert.IsNotEmpty(trainer.Candidates);
        foreach (var candidate in trainer.Candidates)
        {
            Assert.IsLessThanOrEqualTo(maxParameters, candidate.Parameters!.Value);
            Assert.AreEqual(table.Predict(candidate.Architecture), candidate.PredictedLatency);
            Assert.IsLessThanOrEqualTo(maxLatency.TotalMilliseconds, cost.Of(ArchitectureResolver.ToMasks(candidate.Architecture, space)));
        }
        Assert.IsLessThanOrEqualTo(maxParameters, counter.Count(exported));
    });

    [TestMethod]
    public void An_unreachable_MaxLatency_is_refused_before_training_with_the_fastest_networks_latency() => InTemporaryFolder("latency-unreachable", folder =>
    {
        var (_, cost, _) = MeasuredTable(folder);
        using var train = Flat(32);
        using var model = Mlp();
        var options = new RandomTrainerOptions
        {
            TrainData = train, Epochs = 1, Device = "cpu", Threads = 1, LogFrequency = 0, ReleaseFreedMemory = false,
            MaxLatency = TimeSpan.FromMilliseconds(cost.Smallest / 2), LatencyCacheDirectory = folder,
        };
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RandomTrainer(model, options));
        Assert.AreEqual("MaxLatency", error.ParamName);
        StringAssert.Contains(error.Message, $"the fastest network this space can make takes {cost.Describe(cost.Smallest)} on cpu with 1 thread (");
    });

    [TestMethod]
    public void Proxyless_optimises_its_expected_latency_and_exports_within_MaxLatency() => InTemporaryFolder("latency-proxyless", folder =>
    {
        var (table, cost, space) = MeasuredTable(folder);
        var budget = TimeSpan.FromMilliseconds(cost.Smallest * 1.05);
        using var train = Flat(80);
        using var model = Mlp();
        using var trainer = new ProxylessTrainer(model, new ProxylessTrainerOptions
        {
            TrainData = train, Epochs = 1, WeightOnlyEpochs = 0, ArchitectureUpdateFrequency = 1, BatchSize = 16, Device = "cpu", Threads = 1,
            LogFrequency = 0, ReleaseFreedMemory = false, MaxLatency = budget, LatencyCacheDirectory = folder,
        });
        var history = trainer.Train();
        double expected = history[0].Values["expected_latency_ms"];
        Assert.IsTrue(expected >= cost.Smallest && expected <= cost.Fixed + space.Decisions.Sum(d => Enumerable.Range(0, d.CandidateCount).Max(i => cost.Cost(d.Key, i))),
            $"the expected latency {expected} ms lies between the fastest and the slowest network");
        var exported = trainer.Export();
        Assert.IsLessThanOrEqualTo(budget.TotalMilliseconds, cost.Of(ArchitectureResolver.ToMasks(exported, space)));
        Assert.AreEqual(table.Predict(exported), trainer.Loop.ExportedLatency!.Predicted);
    });

    private static (LatencyTable Table, IArchitectureCost Cost, ModelSearchSpace Space) MeasuredTable(string folder)
    {
        using var probe = Mlp();
        var table = LatencyTable.Measure(probe, Sample, CPU, threads: 1, [1], folder);
        return (table, table.At(1), ModelSearchSpace.Of(probe));
    }

    // Alphas that prefer each key's slowest candidate: the free argmax is the slowest network.
    private static (Architecture Architecture, Microsoft.ML.Nas.Strategies.ArchitectureLatency? Latency, bool FromCache) DartsExport(TensorDataset data, string folder,
        IArchitectureCost cost, TimeSpan? maxLatency)
    {
        random.manual_seed(8);
        using var model = Mlp();
        using var trainer = new DartsTrainer(model, new DartsTrainerOptions
        {
            TrainData = data, Epochs = 1, Device = "cpu", Threads = 1, Seed = 1, LogFrequency = 0, ReleaseFreedMemory = false,
            MaxLatency = maxLatency, LatencyCacheDirectory = folder,
        });
        using (no_grad())
        {
            foreach (var decision in trainer.Mutator.Decisions)
            {
                var alpha = trainer.Mutator.Alphas[decision.Key];
                var costs = Enumerable.Range(0, (int)alpha.shape[0]).Select(i => i < decision.CandidateCount ? cost.Cost(decision.Key, i) : double.NaN).ToArray();
                double slowest = costs.Where(double.IsFinite).Max();
                alpha.copy_(tensor(costs.Select(c => double.IsFinite(c) ? (float)(3 * c / slowest) : -10f).ToArray()));
            }
        }
        var architecture = trainer.Export();
        return (architecture, trainer.Loop.ExportedLatency, trainer.Loop.Context.ArchitectureBudget?.Latency?.LoadedFromCache ?? false);
    }

    private static nn.Module<Tensor, Tensor> Mlp() =>
        SearchSpaceRegistry.Build(SearchSpaces.Mlp(layers: 2, hidden: 16), new SpaceContext(Sample, MnistDigits.ClassCount));

    private static TensorDataset Flat(int count, int offset = 0)
    {
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices.Slice(offset, count);
        return TensorDataset.FromArrays(digits.GetFeatures(indices), [MnistDigits.Side * MnistDigits.Side], digits.GetLabels(indices), CPU, MnistDigits.ClassCount);
    }
}
