using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Darts;

[TestClass]
public sealed class DartsMutatorTests
{
    [TestMethod]
    public void Alphas_have_one_entry_per_op_plus_none_for_every_layer_choice_key()
    {
        using var model = new EdgeNet(4, 3, 2);
        using var mutator = new DartsMutator(model);

        CollectionAssert.AreEquivalent(new[] { "n2_p0", "n2_p1", "n2_p2" }, mutator.Alphas.Keys.ToArray());
        foreach (var alpha in mutator.Alphas.Values)
        {
            Assert.AreEqual(4L, alpha.shape[0]);
            Assert.IsTrue(alpha.abs().max().item<float>() < 0.01f, "alphas start near zero (1e-3·N(0,1))");
        }
    }

    [TestMethod]
    public void Export_takes_the_argmax_without_none_and_keeps_the_two_strongest_edges()
    {
        using var model = new EdgeNet(4, 3, 2);
        using var mutator = new DartsMutator(model);
        // p0: "none" is largest but must be ignored; its best real op is weak. p1: sigmoid strong. p2: linear medium.
        Set(mutator, "n2_p0", [0.1, 0.2, 0.0, 5.0]);
        Set(mutator, "n2_p1", [0.0, 0.0, 3.0, 0.0]);
        Set(mutator, "n2_p2", [1.5, 0.0, 0.0, 0.0]);

        var architecture = mutator.Export();

        Assert.AreEqual(ArchitectureChoice.OfNames("n2_p1", "n2_p2"), architecture["n2_switch"]);
        Assert.AreEqual(ArchitectureChoice.Name("sigmoid"), architecture["n2_p1"]);
        Assert.AreEqual(ArchitectureChoice.Name("linear"), architecture["n2_p2"]);
        var dropped = architecture["n2_p0"];
        Assert.AreEqual(0, dropped.Names.Count + dropped.Indices.Count, $"an edge the switch drops gets an empty choice, not {dropped}");
        StringAssert.Contains(architecture.ToJson(), "\"n2_p0\": []");
    }

    [TestMethod]
    public void Exported_architecture_applies_to_a_fresh_model_and_runs()
    {
        using var model = new EdgeNet(4, 3, 2);
        using var mutator = new DartsMutator(model);
        Set(mutator, "n2_p0", [2.0, 0.0, 0.0, 0.0]);
        Set(mutator, "n2_p1", [0.0, 0.0, 0.0, 9.0]);
        Set(mutator, "n2_p2", [0.0, 1.0, 0.0, 0.0]);
        var architecture = Architecture.FromJson(mutator.Export().ToJson());

        using var fresh = new EdgeNet(4, 3, 2);
        FixedArchitecture.Apply(fresh, architecture);
        using var output = fresh.call(randn(5, 4));

        CollectionAssert.AreEqual(new long[] { 5, 2 }, output.shape);
        Assert.IsFalse(fresh.named_parameters().Any(p => p.name.StartsWith("edges.1", StringComparison.Ordinal)),
            "the dropped edge's ops are pruned away");
    }

    [TestMethod]
    public void Search_forward_mixes_ops_by_the_softmax_and_gives_alphas_gradients()
    {
        using var model = new EdgeNet(4, 3, 2);
        using var mutator = new DartsMutator(model);
        using var scope = NewDisposeScope();

        mutator.Reset();
        model.call(randn(6, 4)).sum().backward();

        foreach (var alpha in mutator.Alphas.Values)
        {
            Assert.IsNotNull(alpha.grad);
            Assert.IsTrue(alpha.grad.abs().sum().item<float>() > 0, "every alpha receives a gradient through the mixing");
        }
    }

    private static void Set(DartsMutator mutator, string key, double[] values)
    {
        using var noGrad = no_grad();
        mutator.Alphas[key].copy_(tensor(values).to(ScalarType.Float32));
    }
}
