using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Tests.MLNet;
using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Spaces.Ops;
using Microsoft.ML.Nas.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Darts;

/// <summary>The export's cap on parameter-free ops per cell (P-DARTS's skip-connection rule), on the DARTS cell network.</summary>
[TestClass]
public sealed class CollapseGuardTests
{
    // One normal cell (keys normal_*) and two reduction cells (reduce_*) of 2 nodes: 5 edges per cell type.
    private static DartsNetwork Network() => new(1, 8, 2, 10, layers: 3, nodes: 2);

    [TestMethod]
    public void A_darts_network_has_one_cell_per_cell_type_and_a_network_without_shared_keys_is_one_cell()
    {
        using var darts = Network();
        using var edges = new EdgeNet(4, 3, 2);

        var cells = CollapseGuard.Cells(ModelSearchSpace.Of(darts));

        Assert.HasCount(2, cells);
        CollectionAssert.AreEquivalent(new[] { "normal_n2_p0", "normal_n2_p1", "normal_n3_p0", "normal_n3_p1", "normal_n3_p2" }, cells[0].ToArray());
        Assert.IsTrue(cells[1].All(k => k.StartsWith("reduce_", StringComparison.Ordinal)) && cells[1].Count == 5);
        CollectionAssert.AreEquivalent(new[] { "n2_p0", "n2_p1", "n2_p2" }, CollapseGuard.Cells(ModelSearchSpace.Of(edges)).Single().ToArray());
    }

    [TestMethod]
    public void A_choice_in_a_mutable_scope_belongs_to_the_scopes_cell()
    {
        EveryFormSpace.Register();
        using var model = SearchSpaceRegistry.Build(EveryFormSpace.Spec, new SpaceContext([784], 10));

        var cells = CollapseGuard.Cells(ModelSearchSpace.Of(model)).Select(c => string.Join(",", c)).ToArray();

        // op1 in scope block1; op2 in scope block2 and again at the top, where op2 occurs twice, so it stands alone with
        // the same keys as block2's cell; the last LayerChoice likewise stands alone.
        CollectionAssert.AreEqual(new[] { "op1", "op2", "LayerChoice2" }, cells);
    }

    [TestMethod]
    public void Over_the_cap_the_weakest_skips_take_their_best_op_with_parameters()
    {
        using var model = Network();
        using var mutator = new DartsMutator(model);
        SetCollapsedNormalCell(mutator);
        var before = mutator.Export();
        Assert.AreEqual(3, SkipsInNormalCell(before), before.ToJson());

        var (guarded, replacements) = CollapseGuard.Export(mutator, maxParameterFree: 2);

        Assert.AreEqual(2, SkipsInNormalCell(guarded), guarded.ToJson());
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.SepConv3x3), guarded["normal_n2_p1"], "the weakest skip (2.0) takes its best op with parameters");
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.SkipConnect), guarded["normal_n2_p0"]);
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.SkipConnect), guarded["normal_n3_p0"]);
        Assert.AreEqual(before["normal_n3_switch"], guarded["normal_n3_switch"]);
        Assert.AreEqual(new CollapseGuard.Replacement("normal_n2_p1", DartsOps.SkipConnect, DartsOps.SepConv3x3), replacements.Single());
        CollectionAssert.AreEqual(Reduce(before), Reduce(guarded), "the reduction cells were within the cap");
    }

    [TestMethod]
    public void Replacing_a_skip_can_change_which_edges_a_node_keeps_and_pools_count_as_parameter_free()
    {
        using var model = Network();
        using var mutator = new DartsMutator(model);
        SetCollapsedNormalCell(mutator);
        // A strong max pool on n3_p1 (weight 0.49): node 3 keeps p0 (skip, 0.58) and p1, four parameter-free ops in all.
        // With a cap of 1 the weakest go one by one: n2_p1's skip (0.46), the pool (its dil conv weighs 0.18: node 3
        // now keeps p0 and p2), then n3_p0's skip (0.58; its sep conv weighs 0.13: node 3 keeps p2 and p1, dropping p0).
        Set(mutator, "normal_n3_p1", (DartsOps.MaxPool, 2.2), (DartsOps.DilConv3x3, 1.2));

        var (guarded, replacements) = CollapseGuard.Export(mutator, maxParameterFree: 1);

        CollectionAssert.AreEqual(new[] { "normal_n2_p1", "normal_n3_p1", "normal_n3_p0" }, replacements.Select(r => r.Key).ToArray());
        Assert.AreEqual(DartsOps.MaxPool, replacements[1].From);
        Assert.AreEqual(ArchitectureChoice.OfNames("normal_n3_p1", "normal_n3_p2"), guarded["normal_n3_switch"], guarded.ToJson());
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.DilConv3x3), guarded["normal_n3_p1"]);
        Assert.IsFalse(IsKept(guarded, "normal_n3_p0"));
        Assert.AreEqual(ArchitectureChoice.Name(DartsOps.SkipConnect), guarded["normal_n2_p0"]);
        Assert.AreEqual(1, SkipsInNormalCell(guarded));
    }

    [TestMethod]
    public void Under_the_cap_the_export_is_unchanged()
    {
        using var model = Network();
        using var mutator = new DartsMutator(model);
        SetCollapsedNormalCell(mutator);

        var (guarded, replacements) = CollapseGuard.Export(mutator, maxParameterFree: 3);

        Assert.AreEqual(mutator.Export().ToJson(), guarded.ToJson());
        Assert.IsEmpty(replacements);
    }

    [TestMethod]
    public void The_trainer_option_guards_the_export_and_logs_the_replacement()
    {
        var lines = new List<string>();
        using var data = new TensorDataset(randn(8, 1, 8, 8), randint(0, 10, [8]), DeviceSelection.Resolve("cpu"), 10);
        using var model = Network();
        using var trainer = new DartsTrainer(model, new DartsTrainerOptions
        {
            TrainData = data, Device = "cpu", MaxParameterFreeOpsPerCell = 2, Log = lines.Add,
        });
        SetCollapsedNormalCell(trainer.Mutator);

        var architecture = trainer.Export();

        Assert.AreEqual(2, SkipsInNormalCell(architecture));
        Assert.IsTrue(lines.Any(l => l.Contains("'normal_n2_p1' takes sepconv3x3 instead of skipconnect", StringComparison.Ordinal)), string.Join("\n", lines));
        Assert.AreEqual("Search.MaxParameterFreeOpsPerCell", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new MLContext().Nas().Darts(new DartsOptions { Search = { MaxParameterFreeOpsPerCell = -1 } })).ParamName);
    }

    [TestMethod]
    public void Within_a_parameter_budget_the_re_decided_export_keeps_the_cap_and_gives_it_up_only_when_the_budget_needs_it()
    {
        var lines = new List<string>();
        using var data = new TensorDataset(randn(8, 1, 8, 8), randint(0, 10, [8]), DeviceSelection.Resolve("cpu"), 10);
        using var probe = Network();
        var space = ModelSearchSpace.Of(probe);
        var rule = CollapseGuard.ParameterFree(space, 2);
        var cells = CollapseGuard.Cells(space);
        using var unbudgeted = Network();
        using (var trainer = new DartsTrainer(unbudgeted, new DartsTrainerOptions { TrainData = data, Device = "cpu", MaxParameterFreeOpsPerCell = 2 }))
        {
            SetCollapsedNormalCell(trainer.Mutator);
            var guarded = trainer.Export();
            // One parameter under the guarded export: the kept edges are decided again in order. Taken greedily, the normal
            // cell's three strongest edges are skips; the cap leaves it two, and the reduction cells give up a sep conv.
            long budget = Built(guarded) - 1;
            var architecture = Export(budget, lines);
            Assert.IsLessThanOrEqualTo(budget, Built(architecture), architecture.ToJson());
            Assert.AreEqual(2, SkipsInNormalCell(architecture), architecture.ToJson());
            Assert.IsTrue(cells.All(cell => ParameterFree(architecture, cell) <= 2), architecture.ToJson());
            Assert.IsFalse(lines.Any(l => l.Contains("the budget wins", StringComparison.Ordinal)), string.Join("\n", lines));
        }

        // The smallest network keeps only parameter-free ops: the cap gives way, and the log says so.
        var smallest = Export(new ParameterCounter(probe).Smallest, lines);
        Assert.AreEqual(new ParameterCounter(probe).Smallest, Built(smallest), smallest.ToJson());
        Assert.IsTrue(cells.Any(cell => ParameterFree(smallest, cell) > 2), smallest.ToJson());
        Assert.IsTrue(lines.Any(l => l.Contains("keeps at most 2 parameter-free ops per cell; the budget wins", StringComparison.Ordinal)), string.Join("\n", lines));

        Architecture Export(long maxParameters, List<string> log)
        {
            using var model = Network();
            using var trainer = new DartsTrainer(model, new DartsTrainerOptions
            {
                TrainData = data, Device = "cpu", MaxParameterFreeOpsPerCell = 2, MaxParameters = maxParameters, Log = log.Add,
            });
            SetCollapsedNormalCell(trainer.Mutator);
            return trainer.Export();
        }

        int ParameterFree(Architecture architecture, IReadOnlyList<string> cell) => cell.Count(key =>
            architecture[key].Names.Count == 1 && rule.Counts[key][space[key].CandidateNames.ToList().IndexOf(architecture[key].Names[0])]);
    }

    private static long Built(Architecture architecture)
    {
        using var model = Network();
        FixedArchitecture.Apply(model, architecture);
        return model.parameters().Sum(p => p.numel());
    }

    // Normal cell: every edge's best op is a skip of a different strength except n3_p2 (a dil conv); second best is a
    // sep conv. Without a guard node 2 keeps p0 and p1 and node 3 keeps p0 and p2: three skips. Reduction cells: sep convs.
    private static void SetCollapsedNormalCell(DartsMutator mutator)
    {
        Set(mutator, "normal_n2_p0", (DartsOps.SkipConnect, 3.0), (DartsOps.SepConv3x3, 1.0));
        Set(mutator, "normal_n2_p1", (DartsOps.SkipConnect, 2.0), (DartsOps.SepConv3x3, 1.0));
        Set(mutator, "normal_n3_p0", (DartsOps.SkipConnect, 2.5), (DartsOps.SepConv3x3, 1.0));
        Set(mutator, "normal_n3_p1", (DartsOps.SkipConnect, 1.5), (DartsOps.SepConv3x3, 1.0));
        Set(mutator, "normal_n3_p2", (DartsOps.DilConv3x3, 2.0), (DartsOps.SepConv3x3, 1.0));
        foreach (var key in mutator.Alphas.Keys.Where(k => k.StartsWith("reduce_", StringComparison.Ordinal)))
        {
            Set(mutator, key, (DartsOps.SepConv5x5, 1.0));
        }
    }

    private static void Set(DartsMutator mutator, string key, params (string Op, double Value)[] values)
    {
        var alpha = new double[DartsOps.Names.Count + 1];
        foreach (var (op, value) in values)
        {
            alpha[DartsOps.Names.ToList().IndexOf(op)] = value;
        }
        using var noGrad = no_grad();
        mutator.Alphas[key].copy_(tensor(alpha).to(ScalarType.Float32));
    }

    private static int SkipsInNormalCell(Architecture architecture) => architecture.Keys
        .Where(k => k.StartsWith("normal_", StringComparison.Ordinal) && !k.EndsWith("_switch", StringComparison.Ordinal))
        .Count(k => architecture[k].Names.Contains(DartsOps.SkipConnect) && IsKept(architecture, k));

    private static bool IsKept(Architecture architecture, string key) => architecture[key].Names.Count > 0;

    private static string[] Reduce(Architecture architecture) => architecture.Keys
        .Where(k => k.StartsWith("reduce_", StringComparison.Ordinal)).Order().Select(k => $"{k}={architecture[k]}").ToArray();
}
