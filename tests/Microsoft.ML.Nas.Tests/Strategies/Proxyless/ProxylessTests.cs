using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Proxyless;
using Microsoft.ML.Nas.Tests.MLNet;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using TorchSharp;
using static Microsoft.ML.Nas.Tests.Strategies.SinglePathFixture;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Proxyless;

[TestClass]
public sealed class ProxylessTests
{
    private static readonly SearchSpaceSpec Space = SearchSpaces.Mlp(layers: 2, hidden: 16);

    [TestMethod]
    public void Two_path_gates_give_the_papers_gradient_on_a_hand_computed_example()
    {
        // One LayerChoice of x·1, x·2, x·3; α = [0.1, 0.5, −0.3]; paths 0 and 2 drawn, 0 active; L = y for x = 1.
        using var net = new OneChoiceNet("op", "one", "two", "three");
        using var mutator = new ProxylessMutator(net);
        var alpha = mutator.ArchitectureParameters[0];
        using (no_grad())
        {
            alpha.copy_(tensor(new[] { 0.1f, 0.5f, -0.3f }));
        }
        using var scope = NewDisposeScope();
        mutator.SetPair("op", 0, 2, active: 0);
        var output = net.call(ones(1, 1));
        Assert.AreEqual(1f, output.item<float>(), "the output is the active path's");
        mutator.SetArchitectureGradients(output.sum());

        // ∂L/∂g = [1, 3] (each path's output); p = softmax(0.1, −0.3) = [0.598688, 0.401312];
        // ∂L/∂α_0 = Σ_j ∂L/∂g_j p_j (δ_0j − p_0) = p_0 p_1 (1 − 3) = −0.480521; ∂L/∂α_2 = +0.480521; α_1 was not drawn.
        var gradient = alpha.grad!.data<float>().ToArray();
        Assert.AreEqual(-0.480521, gradient[0], 1e-5);
        Assert.AreEqual(0, gradient[1]);
        Assert.AreEqual(0.480521, gradient[2], 1e-5);

        // A step moves both drawn weights; the rescale restores their log-sum-exp, and the undrawn one keeps its value.
        using (no_grad())
        {
            alpha.copy_(tensor(new[] { 0.3f, 0.5f, -0.5f }));
        }
        mutator.RescaleSampledWeights();
        var after = alpha.detach().data<float>().ToArray();
        Assert.AreEqual(Math.Log(Math.Exp(0.1) + Math.Exp(-0.3)), Math.Log(Math.Exp(after[0]) + Math.Exp(after[2])), 1e-6);
        Assert.AreEqual(0.5f, after[1]);
        Assert.AreEqual(0.8, after[0] - after[2], 1e-6, "the shift is the same for both");
    }

    [TestMethod]
    public void The_inactive_path_gives_its_gate_a_gradient_but_runs_without_a_graph()
    {
        // mlp: layer0 and layer1 each choose among relu_64, relu_256, tanh_64, tanh_256.
        random.manual_seed(2);
        using var net = SearchSpaceRegistry.Build(Space, new SpaceContext([1, 28, 28], 10));
        using var mutator = new ProxylessMutator(net);
        var choices = ModelSearchSpace.Of(net).Nodes.Select(n => n.Mutable).OfType<LayerChoice>().ToDictionary(c => c.Key);
        using var scope = NewDisposeScope();
        mutator.SetPair("layer0", 1, 2, active: 2);
        mutator.SetPair("layer1", 0, 3, active: 0);
        var loss = net.call(randn(4, 1, 28, 28)).square().sum();
        Tensor[] weights = [.. new[] { ("layer0", 2), ("layer0", 1), ("layer1", 0), ("layer1", 3) }.Select(p => (Tensor)choices[p.Item1].Candidates[p.Item2].parameters().First())];
        var gradients = autograd.grad([loss], weights, retain_graph: true, allow_unused: true);
        Assert.IsTrue(gradients[0] is { IsInvalid: false } && gradients[2] is { IsInvalid: false }, "the active paths are in the graph");
        Assert.IsTrue(gradients[1] is null or { IsInvalid: true }, "layer0's inactive path is not");
        Assert.IsTrue(gradients[3] is null or { IsInvalid: true }, "layer1's inactive path is not");

        // Its gate still has ⟨∂L/∂y, o⟩, which gives both drawn weights a gradient.
        mutator.SetArchitectureGradients(loss);
        foreach (var (alpha, drawn) in mutator.ArchitectureParameters.Zip(new[] { new[] { 1, 2 }, new[] { 0, 3 } }))
        {
            var gradient = alpha.grad!.data<float>().ToArray();
            Assert.IsTrue(drawn.All(i => gradient[i] != 0) && Enumerable.Range(0, 4).Except(drawn).All(i => gradient[i] == 0), string.Join(", ", gradient));
        }
    }

    [TestMethod]
    public void An_input_choice_is_refused_by_key()
    {
        using var net = new TwoScopeNet(nChosen: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() => new ProxylessMutator(net));
        StringAssert.Contains(error.Message, "InputChoice 'skip'");
    }

    [TestMethod]
    public void A_search_learns_the_path_weights_and_resumes_bit_exactly() => InTemporaryFolder("proxyless-resume", folder =>
    {
        using var threads = new SingleThread();
        using var train = Flat(200);
        (float[] Weights, float[] Alphas, string Architecture, double ArchLoss) Run(Action<ProxylessTrainerOptions>? configure, string? resumeFrom)
        {
            random.manual_seed(99);
            using var model = SearchSpaceRegistry.Build(Space, new SpaceContext([MnistDigits.Side * MnistDigits.Side], 10));
            var options = new ProxylessTrainerOptions
            {
                TrainData = train, Epochs = 3, WeightOnlyEpochs = 1, ArchitectureUpdateFrequency = 2, ArchitectureLearningRate = 0.05,
                BatchSize = 16, Device = "cpu", Threads = 1, Seed = 3, LogFrequency = 0, ReleaseFreedMemory = false,
            };
            configure?.Invoke(options);
            using var trainer = new ProxylessTrainer(model, options);
            var before = trainer.Mutator.ArchitectureParameters.SelectMany(a => a.detach().data<float>().ToArray()).ToArray();
            if (resumeFrom is not null)
            {
                trainer.Resume(resumeFrom);
            }
            var history = trainer.Train();
            Assert.IsFalse(history[0].Values.ContainsKey("arch_loss"), "the first epoch trains the weights only");
            Assert.IsTrue(history[^1].Values.ContainsKey("arch_loss"));
            var alphas = trainer.Mutator.ArchitectureParameters.SelectMany(a => a.detach().data<float>().ToArray()).ToArray();
            CollectionAssert.AreNotEqual(before, alphas, "architecture steps move the path weights");
            var exported = trainer.Export();
            foreach (var (key, weights) in trainer.Mutator.Weights())
            {
                Assert.AreEqual(Array.IndexOf(weights, weights.Max()), (int)ModelSearchSpaceIndex(trainer, key, exported), $"{key} exports its argmax");
            }
            return (Flatten(model), alphas, exported.ToJson(), history[^1].Values["arch_loss"]);
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
        CollectionAssert.AreEqual(uninterrupted.Alphas, resumed.Alphas);
        Assert.AreEqual(uninterrupted.Architecture, resumed.Architecture);
        Assert.AreEqual(uninterrupted.ArchLoss, resumed.ArchLoss);
    });

    [TestMethod]
    public void The_export_keeps_to_MaxParameters()
    {
        using var train = Flat(40);
        using var model = SearchSpaceRegistry.Build(Space, new SpaceContext([MnistDigits.Side * MnistDigits.Side], 10));
        var counter = new Microsoft.ML.Nas.Architectures.ParameterCounter(model);
        long budget = counter.Smallest + 10;
        using var trainer = new ProxylessTrainer(model, new ProxylessTrainerOptions
        {
            TrainData = train, Epochs = 1, WeightOnlyEpochs = 0, Device = "cpu", LogFrequency = 0, MaxParameters = budget, ReleaseFreedMemory = false,
        });
        // Each key prefers its most expensive candidate: the argmax is over the budget.
        using (no_grad())
        {
            foreach (var decision in trainer.Mutator.Decisions)
            {
                var costs = Enumerable.Range(0, decision.CandidateCount).Select(i => (float)counter.Cost(decision.Key, i)).ToArray();
                trainer.Mutator.ArchitectureParameters[trainer.Mutator.Decisions.ToList().IndexOf(decision)].copy_(tensor(costs) / costs.Max());
            }
        }
        Assert.IsGreaterThan(budget, counter.Count(trainer.Mutator.Export()));
        Assert.IsLessThanOrEqualTo(budget, counter.Count(trainer.Export()));
    }

    [TestMethod]
    public void It_searches_retrains_saves_and_loads_through_ML_NET()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var train = digits.ToDataView(mlContext, digits.TrainIndices[..300]);
        var test = digits.ToDataView(mlContext, digits.TestIndices[..100]);
        var fitted = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Proxyless(new ProxylessOptions
        {
            SearchSpace = Space, Device = "cpu", Seed = 1,
            Search = { Epochs = 2, WeightOnlyEpochs = 1, BatchSize = 32, ReleaseFreedMemory = false },
            Final = { Epochs = 3, BatchSize = 32, LearningRate = 0.1, ReleaseFreedMemory = false },
        })).Fit(train);
        using var model = fitted.LastTransformer;
        double accuracy = mlContext.MulticlassClassification.Evaluate(fitted.Transform(test)).MicroAccuracy;
        Assert.IsGreaterThan(0.3, accuracy, $"{accuracy:P1} on the test digits after a tiny search");
        string path = Path.Combine(Directory.CreateTempSubdirectory("nas-proxyless").FullName, "model.zip");
        mlContext.Model.Save(fitted, test.Schema, path);
        var loaded = new MLContext(seed: 2).Model.Load(path, out _);
        try
        {
            CollectionAssert.AreEqual(TrainedMlp.Scores(fitted.Transform(test)), TrainedMlp.Scores(loaded.Transform(test)));
        }
        finally
        {
            ((IEnumerable<ITransformer>)loaded).OfType<NasTransformer>().Single().Dispose();
        }
    }

    private static int ModelSearchSpaceIndex(ProxylessTrainer trainer, string key, Microsoft.ML.Nas.Architectures.Architecture architecture)
    {
        var decision = trainer.Mutator.SearchSpace[key];
        var choice = architecture[key];
        return choice.Names.Count > 0 ? decision.CandidateNames.ToList().IndexOf(choice.Names[0]) : choice.Indices[0];
    }

    private static TensorDataset Flat(int count)
    {
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..count];
        return TensorDataset.FromArrays(digits.GetFeatures(indices), [MnistDigits.Side * MnistDigits.Side], digits.GetLabels(indices), CPU, MnistDigits.ClassCount);
    }
}
