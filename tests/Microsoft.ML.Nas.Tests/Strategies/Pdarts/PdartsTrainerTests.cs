using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Spaces.Ops;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Pdarts;
using Microsoft.ML.Nas.Tests.MLNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Pdarts;

[TestClass]
public sealed class PdartsTrainerTests
{
    private static readonly int Pool = Index(DartsOps.MaxPool);
    private static readonly int Skip = Index(DartsOps.SkipConnect);
    private static readonly int Sep3 = Index(DartsOps.SepConv3x3);

    [TestMethod]
    public void A_stage_transition_keeps_the_ops_with_the_highest_alphas_and_removes_the_others_from_the_supernet()
    {
        using var data = HalfSizeDigits.Train(96);
        using var trainer = new PdartsTrainer(Network, 3, Options(data, epochs: 1, architectureLearningRate: 0));
        // Frozen alphas (learning rate 0), set by hand: normal edges favour pool, skip and sep conv 3×3; the reduction
        // edges a different three each. "none" is the strongest everywhere and must not count.
        var expected = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        int k = 0;
        foreach (var key in trainer.Mutator.Alphas.Keys)
        {
            int shift = k++;
            var values = Enumerable.Range(0, 7).Select(i => (double)((i * 3 + shift) % 7)).ToArray();
            if (key.StartsWith("normal_", StringComparison.Ordinal))
            {
                values = [6, 0, 5, 4, 1, 2, 3];
            }
            SetAlphas(trainer.Mutator, key, [.. values, 10]);
            var top = Enumerable.Range(0, 7).OrderByDescending(i => values[i]).Take(3).ToHashSet();
            expected[key] = [.. Enumerable.Range(0, 7).Select(top.Contains)];
        }

        var history = trainer.Train();

        Assert.AreEqual(1, trainer.Stage);
        Assert.AreEqual(4, trainer.LayersOf(1));
        foreach (var (key, mask) in expected)
        {
            CollectionAssert.AreEqual(mask, trainer.KeptCandidates[key], key);
            var weights = history[1].ArchitectureWeights[key];
            for (int i = 0; i < 7; i++)
            {
                Assert.AreEqual(!mask[i], weights[i] == 0, $"{key}[{i}]: a dropped op weighs 0, a kept one more");
            }
            Assert.AreEqual(1.0, weights.Sum(), 1e-5);
        }
        CollectionAssert.AreEqual(new[] { 0, 1 }, history.Select(r => r.Epoch).ToArray());
        CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, history.Select(r => r.Values["stage"]).ToArray());

        // The dropped ops are gone from the deeper supernet: no weights, and running one would throw.
        int droppedChoices = 0;
        foreach (var decision in ModelSearchSpace.Of(trainer.Model).Decisions.Where(d => d.Kind == MutableKind.LayerChoice))
        {
            foreach (var choice in decision.Mutables.OfType<LayerChoice>())
            {
                for (int i = 0; i < 7; i++)
                {
                    Assert.AreEqual(!expected[decision.Key][i], choice.Candidates[i] is DroppedCandidate, $"{decision.Key}[{i}]");
                    if (!expected[decision.Key][i])
                    {
                        Assert.IsEmpty(choice.Candidates[i].parameters());
                        droppedChoices++;
                    }
                }
            }
        }
        Assert.IsTrue(droppedChoices > 0);
        using (var scope = NewDisposeScope())
        {
            var dropped = ModelSearchSpace.Of(trainer.Model).Decisions.First(d => d.Kind == MutableKind.LayerChoice).Mutables.OfType<LayerChoice>().First()
                .Candidates.First(c => c is DroppedCandidate);
            Assert.ThrowsExactly<InvalidOperationException>(() => dropped.call(randn(1, 4, 7, 7)));
        }
        // Exactly the dropped ops' weights are missing from the 4-cell supernet.
        using var full = Network(4);
        long droppedWeights = ModelSearchSpace.Of(full).Decisions.Where(d => d.Kind == MutableKind.LayerChoice)
            .Sum(d => d.Mutables.OfType<LayerChoice>().Sum(c => Enumerable.Range(0, 7).Where(i => !expected[d.Key][i]).Sum(i => c.Candidates[i].parameters().Sum(p => p.numel()))));
        Assert.IsTrue(droppedWeights > 0);
        Assert.AreEqual(full.parameters().Sum(p => p.numel()) - droppedWeights, trainer.Model.parameters().Sum(p => p.numel()));
    }

    [TestMethod]
    public void The_export_is_in_the_spaces_indices_with_at_most_two_skips_per_normal_cell_and_pools_do_not_count()
    {
        using var data = HalfSizeDigits.Train(96);
        using var trainer = new PdartsTrainer(Network, 3, Options(data, epochs: 1, architectureLearningRate: 0));
        foreach (var key in trainer.Mutator.Alphas.Keys)
        {
            // Stage 1 keeps pool, skip and sep conv 3×3 on every edge.
            SetAlphas(trainer.Mutator, key, [6, 0, 5, 4, 1, 2, 3, 0]);
        }
        trainer.Train();
        // Stage 2: skips lead on every normal edge. Without the limit node 2 keeps p0 and p1, node 3 p0 and p2: four skips.
        // Replaced from the weakest: n3_p2 (its sep conv; node 3 then keeps p1), n3_p1 (its pool, the next best: pools
        // do not count), n2_p1 (its sep conv): two skips left.
        SetNormal(trainer.Mutator, "normal_n2_p0", skip: 3.0, pool: 0, sep: 1.0);
        SetNormal(trainer.Mutator, "normal_n2_p1", skip: 2.0, pool: 0, sep: 1.0);
        SetNormal(trainer.Mutator, "normal_n3_p0", skip: 2.5, pool: 0, sep: 1.0);
        SetNormal(trainer.Mutator, "normal_n3_p1", skip: 1.5, pool: 1.2, sep: 1.0);
        SetNormal(trainer.Mutator, "normal_n3_p2", skip: 1.8, pool: 0, sep: 1.0);
        foreach (var key in trainer.Mutator.Alphas.Keys.Where(k => k.StartsWith("reduce_", StringComparison.Ordinal)))
        {
            // The reduction cells' skips do not count: both inputs of node 2 keep theirs.
            SetAlphas(trainer.Mutator, key, [0, 0, 3, 1, 0, 0, 0, 0]);
        }

        var architecture = trainer.Export();

        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.SkipConnect), architecture["normal_n2_p0"], architecture.ToJson());
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.SepConv3x3), architecture["normal_n2_p1"]);
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.SkipConnect), architecture["normal_n3_p0"]);
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.MaxPool), architecture["normal_n3_p1"]);
        Assert.AreEqual(ArchitectureChoice.OfNames("normal_n3_p0", "normal_n3_p1"), architecture["normal_n3_switch"]);
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.SkipConnect), architecture["reduce_n2_p0"]);
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.SkipConnect), architecture["reduce_n2_p1"]);

        // Without the limit the skips stay.
        var unlimited = Options(data, epochs: 1, architectureLearningRate: 0);
        unlimited.MaxSkipConnectionsPerNormalCell = null;
        using var plain = new PdartsTrainer(Network, 3, unlimited);
        foreach (var key in plain.Mutator.Alphas.Keys)
        {
            SetAlphas(plain.Mutator, key, [0, 0, 3, 1, 0, 0, 0, 0]);
        }
        var skips = plain.Export();
        Assert.AreEqual(4, skips.Keys.Count(key => key.StartsWith("normal_", StringComparison.Ordinal) && skips[key].Equals(ArchitectureChoice.Name(DartsOps.SkipConnect))));

        // The architecture applies to the space as given (3 cells, where the last stage searched 4).
        random.manual_seed(2);
        using var final = FixedArchitecture.Build(SearchSpaces.DartsCells(channels: 4, layers: 3, nodes: 2), new SpaceContext([1, 14, 14], 10), architecture);
        using var scope = NewDisposeScope();
        CollectionAssert.AreEqual(new long[] { 2, 10 }, final.call(randn(2, 1, 14, 14)).shape);
    }

    [TestMethod]
    public void A_learning_run_drops_by_its_own_alphas_decays_the_skip_dropout_and_shares_the_time_budget()
    {
        using var data = HalfSizeDigits.Train(96);
        var options = Options(data, epochs: 2, architectureLearningRate: 0.01);
        options.ArchitectureWarmupFraction = 0;
        options.TimeBudget = TimeSpan.FromMinutes(10);
        using var trainer = new PdartsTrainer(Network, 3, options);

        var history = trainer.Train();

        Assert.HasCount(4, history);
        var stage1 = history[1].ArchitectureWeights;
        foreach (var (key, weights) in stage1)
        {
            var top = Enumerable.Range(0, 7).OrderByDescending(i => weights[i]).Take(3).ToHashSet();
            CollectionAssert.AreEqual(Enumerable.Range(0, 7).Select(top.Contains).ToArray(), trainer.KeptCandidates[key], key);
        }
        Assert.IsTrue(stage1.Any(p => !p.Value.SequenceEqual(history[0].ArchitectureWeights[p.Key])), "the alphas learned");
        // Each stage's rate, decaying by exp(-0.2) per epoch once the alphas learn.
        double[] dropout = [0.1, 0.1 * Math.Exp(-0.2), 0.4, 0.4 * Math.Exp(-0.2)];
        for (int epoch = 0; epoch < 4; epoch++)
        {
            Assert.AreEqual(dropout[epoch], history[epoch].Values["skip_dropout"], 1e-12, $"epoch {epoch}");
            Assert.AreEqual(epoch < 2 ? 1.0 : 2.0, history[epoch].Values["stage"]);
        }
        Assert.IsTrue(history.All(r => r.PlannedEpochs == 2));
        Assert.IsTrue(history[0].TimeLeft <= TimeSpan.FromMinutes(5), $"stage 1 has half of the budget; {history[0].TimeLeft} was left");
        Assert.IsTrue(history[3].TimeLeft > TimeSpan.FromMinutes(5), $"stage 2 has what stage 1 left; {history[3].TimeLeft} was left");
        Assert.AreEqual(2, trainer.Export()["normal_n3_switch"].Names.Count);
    }

    [TestMethod]
    public void The_skip_dropout_follows_the_authors_schedule_and_only_touches_skips_in_training()
    {
        var options = new PdartsTrainerOptions { Epochs = 25 };
        Assert.AreEqual(0.1 * 24 / 25, options.SkipDropoutAt(0, 0, 25), 1e-12, "while the alphas rest (10 of 25 epochs) it falls linearly");
        Assert.AreEqual(0.4 * 16 / 25, options.SkipDropoutAt(1, 8, 25), 1e-12);
        Assert.AreEqual(0.7, options.SkipDropoutAt(2, 10, 25), 1e-12, "then it starts again from the stage's rate");
        Assert.AreEqual(0.7 * Math.Exp(-0.2 * 5), options.SkipDropoutAt(2, 15, 25), 1e-12);

        using var model = Network(3);
        var kept = ModelSearchSpace.Of(model).Decisions.Where(d => d.Kind == MutableKind.LayerChoice)
            .ToDictionary(d => d.Key, d => Enumerable.Range(0, 7).Select(i => i == Skip).ToArray());
        using var mutator = new PdartsMutator(model, kept) { SkipDropout = 0.5 };
        var choice = ModelSearchSpace.Of(model)["normal_n2_p0"].Mutables.OfType<LayerChoice>().First();
        using var scope = NewDisposeScope();
        var input = ones(4, 4, 7, 7);
        mutator.Reset();
        choice.train();
        var trained = choice.call(input);
        double zeros = trained.eq(0).to(ScalarType.Float32).mean().ToDouble();
        Assert.IsTrue(zeros is > 0.35 and < 0.65, $"about half of a skip's outputs are dropped in training; {zeros:P0} were");
        choice.eval();
        var evaluated = choice.call(input);
        Assert.AreEqual(0.0, evaluated.eq(0).to(ScalarType.Float32).sum().ToDouble(), "no dropout in evaluation");
        Assert.AreEqual(mutator.Weights()["normal_n2_p0"][Skip], evaluated.mean().ToDouble(), 1e-6, "the skip's weight times its input");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mutator.SkipDropout = 1);
    }

    [TestMethod]
    public void A_budgeted_export_takes_only_the_ops_the_stages_kept_and_names_the_least_they_allow()
    {
        using var data = HalfSizeDigits.Train(96);
        // Stage 1 keeps the three largest convs on every edge: every parameter-free op (the cheapest) is dropped. Stage 2
        // favours sep conv 5×5 everywhere, so each node keeps its first two edges (ties) and the free export is all 5×5s.
        int sep5 = Index(DartsOps.SepConv5x5), dil5 = Index(DartsOps.DilConv5x5), dil3 = Index(DartsOps.DilConv3x3);
        double[] stage1 = [0, 0, 0, 1, 6, 4, 5, 0];
        double[] stage2 = [0, 0, 0, 0, 3, 1, 2, 0];
        using var space = Network(3);
        var counter = new ParameterCounter(space);
        var decided = ModelSearchSpace.Of(space).Decisions.Where(d => d.Kind == MutableKind.LayerChoice && !d.Key.EndsWith("_p2", StringComparison.Ordinal)).ToList();
        long free = counter.Fixed + decided.Sum(d => counter.Cost(d.Key, sep5));
        long least = counter.Fixed + decided.Sum(d => counter.Cost(d.Key, dil3));
        Assert.IsTrue(counter.Smallest < least && least < free, $"pools and skips are cheaper than the kept ops: {counter.Smallest} < {least} < {free}");

        Architecture Search(long maxParameters)
        {
            var options = Options(data, epochs: 1, architectureLearningRate: 0);
            options.MaxParameters = maxParameters;
            using var trainer = new PdartsTrainer(Network, 3, options);
            foreach (var key in trainer.Mutator.Alphas.Keys)
            {
                SetAlphas(trainer.Mutator, key, stage1);
            }
            trainer.Train();
            foreach (var key in trainer.Mutator.Alphas.Keys)
            {
                SetAlphas(trainer.Mutator, key, stage2);
            }
            return trainer.Export();
        }

        long budget = (free + least) / 2;
        var budgeted = Search(budget);
        var kept = new[] { sep5, dil5, dil3 }.Select(i => DartsOps.Names[i]).ToHashSet();
        foreach (var decision in ModelSearchSpace.Of(space).Decisions.Where(d => d.Kind == MutableKind.LayerChoice))
        {
            var chosen = budgeted[decision.Key].Names;
            Assert.AreEqual(decided.Any(d => d.Key == decision.Key), chosen.Count == 1, $"{decision.Key}: the edges stay those of the export");
            Assert.IsTrue(chosen.All(kept.Contains), $"{decision.Key} chose {budgeted[decision.Key]}, which stage 1 dropped");
        }
        Assert.IsLessThanOrEqualTo(budget, counter.Count(budgeted));
        Assert.IsTrue(decided.Any(d => budgeted[d.Key].Names[0] != DartsOps.SepConv5x5), "the budget made some edge leave its 5×5");

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Search(least - 1));
        StringAssert.Contains(error.Message, $"the least they allow is {least} parameters", error.Message);
        StringAssert.Contains(error.Message, "MaxParameters");
    }

    [TestMethod]
    public void Normal_cells_count_their_identities_and_reduction_cells_nothing()
    {
        using var model = Network(3);
        var skips = PdartsStrategy.NormalCellSkips(ModelSearchSpace.Of(model));

        foreach (var (key, counted) in skips)
        {
            var expected = Enumerable.Range(0, 7).Select(i => key.StartsWith("normal_", StringComparison.Ordinal) && i == Skip).ToArray();
            CollectionAssert.AreEqual(expected, counted, key);
        }
        Assert.IsInstanceOfType<Identity>(ModelSearchSpace.Of(model)["reduce_n3_p2"].Mutables.OfType<LayerChoice>().First().Candidates[Skip],
            "a reduction cell has identities too (its edges from nodes), which the limit does not count");
        Assert.IsTrue(skips["normal_n2_p0"][Skip]);
    }

    [TestMethod]
    public void KeepStrongest_drops_the_lowest_kept_weights_and_never_none()
    {
        var kept = new Dictionary<string, bool[]> { ["a"] = [true, true, true, false, true] };
        var weights = new Dictionary<string, float[]> { ["a"] = [0.2f, 0.3f, 0.1f, 0f, 0.35f, 0.05f] };

        var next = PdartsTrainer.KeepStrongest(weights, kept, 2);

        CollectionAssert.AreEqual(new[] { false, true, false, false, true }, next["a"]);
        CollectionAssert.AreEqual(new[] { true, true, true, false, true }, kept["a"], "the input is not changed");
    }

    [TestMethod]
    public void A_resume_mid_stage_or_at_a_stage_start_is_bit_exact()
    {
        using var data = HalfSizeDigits.Train(96);
        // Epoch 2 ends the first epoch of stage 2 (mid-stage); epoch 1 ends stage 1 (the resume starts stage 2 afresh).
        foreach (int stopAfter in new[] { 2, 1 })
        {
            string folder = Path.Combine(Path.GetTempPath(), $"nas-pdarts-resume-{Guid.NewGuid():N}");
            try
            {
                var uninterrupted = Run(data, folder: null, stopAfter: null, resume: false);
                Assert.ThrowsExactly<OperationCanceledException>(() => Run(data, folder, stopAfter, resume: false));
                var resumed = Run(data, folder, stopAfter: null, resume: true);

                foreach (var (key, mask) in uninterrupted.Kept)
                {
                    CollectionAssert.AreEqual(mask, resumed.Kept[key], key);
                }
                foreach (var (name, values) in uninterrupted.Tensors)
                {
                    CollectionAssert.AreEqual(values, resumed.Tensors[name], $"{name} after stopping at epoch {stopAfter}");
                }
                Assert.AreEqual(uninterrupted.History, resumed.History, $"stopped after epoch {stopAfter}");
            }
            finally
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    [TestMethod]
    public void Bad_options_and_drops_that_empty_an_edge_are_refused_by_name()
    {
        Assert.AreEqual("Search.Stages[1].OpsToDrop", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new PdartsTrainerOptions { Stages = [new PdartsStage(), new PdartsStage { OpsToDrop = -1 }] }.Validate("Search.")).ParamName);
        Assert.AreEqual("Stages[0].SkipDropout", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new PdartsTrainerOptions { Stages = [new PdartsStage { SkipDropout = 1 }] }.Validate()).ParamName);
        Assert.AreEqual("Stages[0].DepthRatio", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new PdartsTrainerOptions { Stages = [new PdartsStage { DepthRatio = 0.5 }] }.Validate()).ParamName);
        Assert.AreEqual("Stages[0].AddedLayers", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new PdartsTrainerOptions { Stages = [new PdartsStage { AddedLayers = -1 }] }.Validate()).ParamName);
        Assert.AreEqual("Stages", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PdartsTrainerOptions { Stages = [] }.Validate()).ParamName);
        Assert.AreEqual("Stages[0]", Assert.ThrowsExactly<ArgumentException>(() => new PdartsTrainerOptions { Stages = [null!] }.Validate()).ParamName);
        Assert.AreEqual("MaxSkipConnectionsPerNormalCell", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new PdartsTrainerOptions { MaxSkipConnectionsPerNormalCell = -1 }.Validate()).ParamName);

        using var data = HalfSizeDigits.Train(32);
        var options = Options(data, epochs: 1, architectureLearningRate: 0);
        options.Stages = [new PdartsStage { OpsToDrop = 4 }, new PdartsStage { OpsToDrop = 3 }];
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PdartsTrainer(Network, 3, options));
        Assert.AreEqual("Stages[1].OpsToDrop", error.ParamName);
        StringAssert.Contains(error.Message, "would keep 0 of its 7 candidates");

        CollectionAssert.AreEqual(new[] { 5, 11, 17 }, new PdartsTrainerOptions().Stages.Select(s => s.LayersFrom(5)).ToArray(), "NNI's depths");
        CollectionAssert.AreEqual(new[] { 3, 7, 10 }, new PdartsTrainerOptions().Stages.Select(s => s.LayersFrom(3)).ToArray());
        CollectionAssert.AreEqual(new[] { 3, 2, 1 }, new PdartsTrainerOptions().Stages.Select(s => s.OpsToDrop).ToArray());
    }

    [TestMethod]
    public void A_model_factory_whose_depths_differ_in_decisions_is_refused()
    {
        using var data = HalfSizeDigits.Train(32);
        var options = Options(data, epochs: 1, architectureLearningRate: 0);
        // Two cells are both reduction cells; four add normal cells, whose keys the first stage lacks.
        options.Stages = [new PdartsStage { DepthRatio = 1 }, new PdartsStage { AddedLayers = 1 }];
        var error = Assert.ThrowsExactly<ArgumentException>(() => new PdartsTrainer(layers => Network(layers == 3 ? 2 : layers), 3, options));
        StringAssert.Contains(error.Message, "same decision keys");
    }

    [TestMethod]
    public void Searches_through_mlContext_saves_and_loads_and_refuses_a_space_it_cannot_deepen()
    {
        var mlContext = new MLContext(seed: 2);
        var digits = MnistDigits.Load();
        var options = new PdartsOptions
        {
            SearchSpace = SearchSpaces.DartsCells(channels: 4, layers: 3, nodes: 2, stemMultiplier: 1), ImageShape = (1, 28, 28),
            Search =
            {
                Epochs = 1, BatchSize = 32,
                Stages = [new PdartsStage { OpsToDrop = 4, SkipDropout = 0.1 }, new PdartsStage { AddedLayers = 1, OpsToDrop = 2, SkipDropout = 0.4 }],
            },
            Final = { Epochs = 1, BatchSize = 32 }, Device = "cpu", Seed = 3, Threads = 1,
        };
        var test = digits.ToDataView(mlContext, digits.TestIndices[..64]);

        var fitted = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Pdarts(options))
            .Fit(digits.ToDataView(mlContext, digits.TrainIndices[..128]));
        using var model = fitted.LastTransformer;

        CollectionAssert.AreEqual(new[] { 0, 1 }, model.History.Search.Select(r => r.Epoch).ToArray());
        CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, model.History.Search.Select(r => r.Metrics["stage"]).ToArray());
        // The second stage searched 3 of the 7 ops per edge: the other 4 weigh 0, and the export chose a kept one.
        var last = model.History.Search[1].Metrics;
        foreach (var key in new[] { "normal_n2_p0", "reduce_n3_p1" })
        {
            var weights = Enumerable.Range(0, 7).Select(i => last[$"weight.{key}[{i}]"]).ToArray();
            Assert.AreEqual(4, weights.Count(w => w == 0), key);
            var chosen = model.Architecture[key].Names;
            Assert.IsTrue(chosen.Count == 0 || weights[DartsOps.Names.ToList().IndexOf(chosen.Single())] > 0, $"{key} chose {model.Architecture[key]}");
        }
        Assert.AreEqual(3, model.Spec.GetInt32("layers"), "the found cells are trained at the space's own depth");
        EveryStrategyTests.AssertSavesAndLoads(mlContext, fitted, test);

        var error = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Nas().Pdarts(new PdartsOptions { SearchSpace = SearchSpaces.EnasMacro() }));
        Assert.AreEqual("SearchSpace", error.ParamName);
        StringAssert.Contains(error.Message, "only 'darts-cells'");
        Assert.AreEqual("Search.Stages[0].SkipDropout", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => mlContext.Nas().Pdarts(new PdartsOptions { Search = { Stages = [new PdartsStage { SkipDropout = -0.1 }] } })).ParamName);
    }

    private static (Dictionary<string, bool[]> Kept, Dictionary<string, float[]> Tensors, string History) Run(TensorDataset data, string? folder, int? stopAfter, bool resume)
    {
        random.manual_seed(resume ? 99 : 5);
        using var cancellation = new CancellationTokenSource();
        var options = Options(data, epochs: 2, architectureLearningRate: 0.01);
        options.ArchitectureWarmupFraction = 0;
        options.CheckpointDirectory = folder;
        options.CancellationToken = cancellation.Token;
        options.Progress = stopAfter is { } last ? new InlineProgress<OneShotProgress>(p => { if (p.Completed?.Epoch == last) cancellation.Cancel(); }) : null;
        using var trainer = new PdartsTrainer(Network, 3, options);
        if (resume)
        {
            trainer.Resume(folder!);
        }
        var history = trainer.Train();
        var tensors = trainer.Mutator.Alphas.ToDictionary(p => "alpha." + p.Key, p => p.Value.detach().data<float>().ToArray());
        foreach (var (name, value) in trainer.Model.state_dict())
        {
            tensors[name] = value.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        }
        string records = string.Join("\n", history.Select(r => $"{r.Epoch} {r.TrainLoss:R} {r.Values["stage"]} {string.Join(",", r.ArchitectureWeights.OrderBy(p => p.Key).SelectMany(p => p.Value))}"));
        return (trainer.KeptCandidates.ToDictionary(p => p.Key, p => p.Value), tensors, records);
    }

    private static PdartsTrainerOptions Options(TensorDataset data, int epochs, double architectureLearningRate) => new()
    {
        TrainData = data, Epochs = epochs, BatchSize = 32, Device = "cpu", Seed = 1, Threads = 1, LogFrequency = 0, ArchitectureLearningRate = architectureLearningRate,
        Stages = [new PdartsStage { DepthRatio = 1, OpsToDrop = 4, SkipDropout = 0.1 }, new PdartsStage { AddedLayers = 1, OpsToDrop = 2, SkipDropout = 0.4 }],
    };

    private static DartsNetwork Network(int layers) => new(1, 14, 4, 10, layers, nodes: 2);

    private static void SetNormal(PdartsMutator mutator, string key, double skip, double pool, double sep)
    {
        var values = new double[8];
        values[Skip] = skip;
        values[Pool] = pool;
        values[Sep3] = sep;
        SetAlphas(mutator, key, values);
    }

    private static void SetAlphas(PdartsMutator mutator, string key, double[] values)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        mutator.Alphas[key].copy_(tensor(values).to(ScalarType.Float32));
    }

    private static int Index(string op) => DartsOps.Names.ToList().IndexOf(op);
}
