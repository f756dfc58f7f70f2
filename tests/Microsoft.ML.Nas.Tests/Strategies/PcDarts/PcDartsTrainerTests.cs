using Microsoft.ML.Data;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.PcDarts;
using Microsoft.ML.Nas.Tests.MLNet;
using Microsoft.ML.Nas.Tests.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.PcDarts;

[TestClass]
public sealed class PcDartsTrainerTests
{
    [TestMethod]
    public void Searches_a_partial_channel_network_and_its_architecture_builds_the_full_network()
    {
        using var data = HalfSizeDigits.Train(128);
        random.manual_seed(1);
        using var supernet = new DartsNetwork(1, 14, 4, 10, layers: 3, nodes: 2, partialChannels: 4);
        using var full = new DartsNetwork(1, 14, 4, 10, layers: 3, nodes: 2);
        using var trainer = new PcDartsTrainer(supernet, new PcDartsTrainerOptions
        {
            TrainData = data, ValidData = data, Epochs = 1, BatchSize = 32, Device = "cpu", LogFrequency = 0,
        });

        var history = trainer.Train();
        var architecture = trainer.Export();

        Assert.IsTrue(supernet.parameters().Sum(p => p.numel()) < full.parameters().Sum(p => p.numel()) / 2, "the edges' ops have a quarter of the channels");
        Assert.IsTrue(double.IsFinite(history[0].TrainLoss));
        Assert.AreEqual(1.0, history[0].ArchitectureWeights["normal_n3_switch"].Sum(), 1e-5, "each node's βs are softmax-normalized");
        Assert.HasCount(3, history[0].ArchitectureWeights["normal_n3_switch"]);
        random.manual_seed(2);
        using var final = FixedArchitecture.Build(SearchSpaces.DartsCells(channels: 4, layers: 3, nodes: 2), new SpaceContext([1, 14, 14], 10), architecture);
        using var scope = NewDisposeScope();
        CollectionAssert.AreEqual(new long[] { 2, 10 }, final.call(randn(2, 1, 14, 14)).shape);
    }

    [TestMethod]
    public void The_alphas_rest_for_the_first_30_percent_of_the_epochs_then_learn()
    {
        using var data = HalfSizeDigits.Train(96);
        random.manual_seed(3);
        using var supernet = new DartsNetwork(1, 14, 4, 10, layers: 2, nodes: 2, partialChannels: 4);
        using var trainer = new PcDartsTrainer(supernet, new PcDartsTrainerOptions
        {
            TrainData = data, Epochs = 4, BatchSize = 16, Device = "cpu", Seed = 3, LogFrequency = 0,
        });
        var initial = trainer.Mutator.Alphas.ToDictionary(a => a.Key, a => a.Value.detach().clone());

        var history = trainer.Train();

        // ⌊0.3 × 4⌋ = 1 epoch of weights only: its record has the untouched alphas' softmax and no architecture loss.
        Assert.AreEqual(0.3, new PcDartsTrainerOptions().ArchitectureWarmupFraction);
        Assert.IsFalse(history[0].Values.ContainsKey("arch_loss"), "the alphas rest in epoch 0");
        foreach (var (key, alpha) in initial)
        {
            CollectionAssert.AreEqual(softmax(alpha, 0).data<float>().ToArray(), history[0].ArchitectureWeights[key], $"'{key}' rests in epoch 0");
        }
        Assert.IsTrue(history.Skip(1).All(e => e.Values.ContainsKey("arch_loss")), "the alphas learn from epoch 1 on");
        Assert.IsTrue(initial.Any(a => !a.Value.allclose(trainer.Mutator.Alphas[a.Key].detach(), 0, 1e-6)), "the alphas moved after the rest");
        foreach (var alpha in initial.Values)
        {
            alpha.Dispose();
        }

        var options = new PcDartsTrainerOptions { ArchitectureWarmupFraction = 1 };
        Assert.AreEqual("ArchitectureWarmupFraction",
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => options.Validate("")).ParamName);
    }

    [TestMethod]
    public void Checkpoint_then_resume_gives_the_same_alphas_and_weights_as_an_uninterrupted_run()
    {
        using var data = HalfSizeDigits.Train(96);
        ResumeCheck.AssertBitExact<PcDartsStrategy>(settings =>
        {
            var model = new DartsNetwork(1, 14, 4, 10, layers: 2, nodes: 2, partialChannels: 4);
            var trainer = new PcDartsTrainer(model, new PcDartsTrainerOptions
            {
                TrainData = data, Epochs = 4, BatchSize = 16, Device = "cpu", Seed = 5, Threads = 1, LogFrequency = 0,
                CheckpointDirectory = settings.Directory, CancellationToken = settings.Token, Progress = settings.Progress,
            });
            return (trainer, model, () => trainer.Mutator.Alphas);
        });
    }

    [TestMethod]
    public void Other_spaces_and_a_different_K_are_refused_saying_why()
    {
        using var data = HalfSizeDigits.Train(32);
        using var edges = new EdgeNet(784, 8, 10);
        var error = Assert.ThrowsExactly<ArgumentException>(() => new OneShotTrainer(edges, new PcDartsStrategy(new PcDartsTrainerOptions()),
            new PcDartsTrainerOptions { TrainData = data, Device = "cpu" }));
        StringAssert.Contains(error.Message, "1/K of its channels");

        using var network = new DartsNetwork(1, 14, 4, 10, layers: 3, nodes: 2, partialChannels: 2);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new PcDartsTrainer(network, new PcDartsTrainerOptions
        {
            TrainData = data, Device = "cpu",
        })).Message, "built with partialChannels 2, but PartialChannels is 4");

        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => PcDartsStrategy.SearchSpace(SearchSpaces.EnasMacro(), 4)).Message, "only 'darts-cells'");
        Assert.AreEqual("Search.PartialChannels", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new MLContext().Nas().PcDarts(new PcDartsOptions { Search = { PartialChannels = 0 } })).ParamName);
    }

    [TestMethod]
    public void Searches_through_mlContext_and_saves_and_loads_a_full_channel_model()
    {
        var mlContext = new MLContext(seed: 2);
        var digits = MnistDigits.Load();
        var options = new PcDartsOptions
        {
            SearchSpace = SearchSpaces.DartsCells(channels: 4, layers: 2, nodes: 2, stemMultiplier: 1), ImageShape = (1, 28, 28),
            Search = { Epochs = 1, BatchSize = 32, PartialChannels = 2 }, Final = { Epochs = 1, BatchSize = 32 }, Device = "cpu", Seed = 3,
        };
        var test = digits.ToDataView(mlContext, digits.TestIndices[..64]);

        var fitted = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().PcDarts(options))
            .Fit(digits.ToDataView(mlContext, digits.TrainIndices[..128]));
        using var model = fitted.LastTransformer;

        Assert.IsFalse(model.Spec.Parameters.ContainsKey("partialChannels"), "the final network has every channel");
        Assert.IsTrue(model.History.Search[0].Metrics.Keys.Any(k => k == "weight.reduce_n3_switch[0]"), string.Join(", ", model.History.Search[0].Metrics.Keys));
        EveryStrategyTests.AssertSavesAndLoads(mlContext, fitted, test);
    }
}
