using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Tests.Mutables;
using Microsoft.ML.Nas.Tests.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.PcDarts;

/// <summary>PC-DARTS's βs: softmax weights over a node's edges, in search and in the export's ranking.</summary>
[TestClass]
public sealed class EdgeNormalizationTests
{
    [TestMethod]
    public void A_node_is_the_beta_weighted_sum_of_its_edges_and_the_betas_sum_to_one()
    {
        using var model = new TwoEdgeNode();
        using var mutator = new DartsMutator(model, edgeNormalization: true);
        Set(mutator, "a", [50, 0, -50]);            // a ≈ identity
        Set(mutator, "b", [0, 50, -50]);            // b ≈ doubling
        Set(mutator, "switch", [0, Math.Log(3)]);   // β weights 1/4, 3/4
        using var scope = NewDisposeScope();
        mutator.Reset();

        var output = model.call(ones(1, 1));
        output.sum().backward();

        Assert.AreEqual(0.25 * 1 + 0.75 * 2, output.ToDouble(), 1e-4);
        Assert.AreEqual(1.0, mutator.Weights()["switch"].Sum(), 1e-6);
        Assert.IsTrue(mutator.Alphas["switch"].grad!.abs().sum().ToDouble() > 0, "the βs learn");
        Assert.IsFalse(new DartsMutator(model).Alphas.ContainsKey("switch"), "plain DARTS sums the edges without βs");
    }

    [TestMethod]
    public void The_export_ranks_edges_by_beta_times_their_best_op_weight()
    {
        using var model = new EdgeNet(4, 3, 2);
        using var mutator = new DartsMutator(model, edgeNormalization: true);
        // Best op weights: p0 ≈ 0.87, p1 ≈ 0.71, p2 ≈ 0.60: DARTS keeps p0 and p1. βs (0.21, 0.21, 0.58) score p2 highest.
        Set(mutator, "n2_p0", [3, 0, 0, 0]);
        Set(mutator, "n2_p1", [0, 2, 0, 0]);
        Set(mutator, "n2_p2", [0, 0, 1.5, 0]);
        Set(mutator, "n2_switch", [0, 0, 1]);

        var architecture = mutator.Export();

        Assert.AreEqual(ArchitectureChoice.OfNames("n2_p0", "n2_p2"), architecture["n2_switch"]);
        Assert.AreEqual(ArchitectureChoice.Name("sigmoid"), architecture["n2_p2"]);
        Assert.AreEqual(0, architecture["n2_p1"].Names.Count + architecture["n2_p1"].Indices.Count);
        Set(mutator, "n2_switch", [0, 0, 0]);
        Assert.AreEqual(ArchitectureChoice.OfNames("n2_p0", "n2_p1"), mutator.Export()["n2_switch"], "equal βs rank as DARTS does");
    }

    private static void Set(DartsMutator mutator, string key, double[] values)
    {
        using var noGrad = no_grad();
        mutator.Alphas[key].copy_(tensor(values).to(ScalarType.Float32));
    }

    /// <summary>Two edges "a" and "b" (identity or doubling) into a node "switch" that keeps one.</summary>
    private sealed class TwoEdgeNode : nn.Module<Tensor, Tensor>
    {
        private readonly LayerChoice a = new([new Scale(1), new Scale(2)], key: "a");
        private readonly LayerChoice b = new([new Scale(1), new Scale(2)], key: "b");
        private readonly InputChoice node = new(["a", "b"], nChosen: 1, key: "switch");

        public TwoEdgeNode() : base(nameof(TwoEdgeNode)) => RegisterComponents();

        public override Tensor forward(Tensor input) => node.call([a.call(input), b.call(input)]);
    }
}
