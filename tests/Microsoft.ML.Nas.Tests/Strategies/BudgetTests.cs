using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.Enas;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using static Microsoft.ML.Nas.Tests.Strategies.SinglePathFixture;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>MaxParameters in the strategies that are not single-path (those have their own tests) and in final training.</summary>
[TestClass]
public sealed class BudgetTests
{
    [TestMethod]
    public void Enas_exports_the_best_sample_within_the_budget()
    {
        using var threads = new SingleThread();
        using var train = EnasSearchFixture.Digits(120);
        using var valid = EnasSearchFixture.Digits(32, offset: 120);
        using var model = EnasSearchFixture.Model();
        var counter = new ParameterCounter(model);
        long budget = (counter.Smallest + Largest(model, counter)) / 2;
        var options = EnasSearchFixture.Options(train, valid, epochs: 1);
        options.MaxParameters = budget;
        using var trainer = new EnasTrainer(model, options);
        trainer.Train();
        var exported = trainer.Export();
        Assert.HasCount(4, trainer.ExportCandidates);
        Assert.IsTrue(trainer.ExportCandidates.All(c => counter.Count(c.Architecture) <= budget));
        Assert.IsLessThanOrEqualTo(budget, Built(exported));
    }

    [TestMethod]
    public void Darts_keeps_its_argmax_where_it_fits_and_otherwise_decides_in_order_within_the_budget()
    {
        using var data = DigitImages(64);
        var (free, freeCount, _) = DartsExport(data, maxParameters: null);
        long smallest = SmallestOf();
        Assert.IsGreaterThan(smallest + 1, freeCount, "the free export is larger than the smallest network");
        long budget = (freeCount + smallest) / 2;
        var (budgeted, count, _) = DartsExport(data, budget);
        Assert.IsLessThanOrEqualTo(budget, count);
        Assert.AreNotEqual(free.ToJson(), budgeted.ToJson());

        // The first decision (in the space's order) that left its argmax had to: its argmax with the cheapest candidate of
        // every later kept decision is over the budget. Dropped edges stay dropped.
        using var space = new DartsNetwork(1, 28, 4, 10, layers: 2, nodes: 2);
        var counter = new ParameterCounter(space);
        var kept = ModelSearchSpace.Of(space).Decisions.Where(d => d.Kind == MutableKind.LayerChoice && free[d.Key].Names.Count > 0).ToList();
        int first = kept.FindIndex(d => !free[d.Key].Equals(budgeted[d.Key]));
        Assert.IsGreaterThanOrEqualTo(0, first);
        long needed = counter.Fixed
            + kept.Take(first + 1).Sum(d => counter.Cost(d.Key, d.CandidateNames.ToList().IndexOf(free[d.Key].Names[0])))
            + kept.Skip(first + 1).Sum(d => counter.SmallestCost(d.Key));
        Assert.IsGreaterThan(budget, needed);
        foreach (var key in free.Keys.Where(k => free[k].Indices.Count == 0 && free[k].Names.Count == 0))
        {
            Assert.AreEqual(free[key], budgeted[key], $"dropped edge {key}");
        }

        var (same, _, _) = DartsExport(data, maxParameters: freeCount);
        Assert.AreEqual(free.ToJson(), same.ToJson(), "a budget the argmax meets changes nothing");
    }

    [TestMethod]
    public void Gdas_shares_the_darts_family_export_so_it_keeps_the_budget_too()
    {
        using var data = DigitImages(64);
        var (_, freeCount, _) = DartsExport(data, maxParameters: null);
        long budget = (freeCount + SmallestOf()) / 2;
        random.manual_seed(8);
        using var model = new DartsNetwork(1, 28, 4, 10, layers: 2, nodes: 2);
        var counter = new ParameterCounter(model);
        using var trainer = new Microsoft.ML.Nas.Strategies.Gdas.GdasTrainer(model, new Microsoft.ML.Nas.Strategies.Gdas.GdasTrainerOptions
        {
            TrainData = data, Epochs = 1, Device = "cpu", Seed = 1, LogFrequency = 0, MaxParameters = budget, ReleaseFreedMemory = false,
        });
        using (no_grad())
        {
            var generator = new TorchSharp.torch.Generator(21);
            foreach (var alpha in trainer.Mutator.ArchitectureParameters)
            {
                alpha.copy_(randn(alpha.shape, generator: generator) * 3);
            }
        }
        var unbudgeted = trainer.Mutator.Export();
        Assert.IsGreaterThan(budget, counter.Count(unbudgeted), "GDAS's argmax alone is over the budget");
        Assert.IsLessThanOrEqualTo(budget, counter.Count(trainer.Export()));
    }

    [TestMethod]
    public void Final_training_refuses_a_network_over_the_budget_with_its_size()
    {
        using var train = EnasSearchFixture.Digits(32);
        using var supernet = EnasSearchFixture.Model();
        Architecture architecture;
        using (var mutator = new Microsoft.ML.Nas.Mutators.RandomMutator(supernet, seed: 1))
        {
            architecture = mutator.Export();
        }
        using var model = FixedArchitecture.Build(Space, Context, architecture);
        long size = model.parameters().Sum(p => p.numel());
        var options = new FixedArchitectureTrainerOptions { TrainData = train, Device = "cpu", MaxParameters = size - 1 };
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FixedArchitectureTrainer(model, architecture, options));
        StringAssert.Contains(error.Message, $"has {size} parameters");
        options.MaxParameters = size;
        using var fits = new FixedArchitectureTrainer(model, architecture, options);
    }

    private static TensorDataset DigitImages(int count)
    {
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..count];
        return TensorDataset.FromArrays(digits.GetFeatures(indices), [1, 28, 28], digits.GetLabels(indices), CPU, MnistDigits.ClassCount);
    }

    private static long SmallestOf()
    {
        using var model = new DartsNetwork(1, 28, 4, 10, layers: 2, nodes: 2);
        return new ParameterCounter(model).Smallest;
    }

    // Alphas drawn with a fixed seed: strong preferences, the same for every call.
    private static (Architecture Architecture, long Count, ParameterCounter Counter) DartsExport(TensorDataset data, long? maxParameters)
    {
        random.manual_seed(8);
        using var model = new DartsNetwork(1, 28, 4, 10, layers: 2, nodes: 2);
        var counter = new ParameterCounter(model);
        using var trainer = new DartsTrainer(model, new DartsTrainerOptions
        {
            TrainData = data, Epochs = 1, Device = "cpu", Seed = 1, LogFrequency = 0, MaxParameters = maxParameters, ReleaseFreedMemory = false,
        });
        using (no_grad())
        {
            var generator = new TorchSharp.torch.Generator(21);
            foreach (var alpha in trainer.Mutator.ArchitectureParameters)
            {
                alpha.copy_(randn(alpha.shape, generator: generator) * 3);
            }
        }
        var architecture = trainer.Export();
        return (architecture, counter.Count(architecture), counter);
    }
}
