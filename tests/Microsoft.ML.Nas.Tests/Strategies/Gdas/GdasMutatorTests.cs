using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Strategies.Gdas;
using Microsoft.ML.Nas.Tests.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Gdas;

[TestClass]
public sealed class GdasMutatorTests
{
    [TestMethod]
    public void A_search_forward_runs_only_the_sampled_op_of_each_edge_and_its_gradient_reaches_every_alpha()
    {
        random.manual_seed(1);
        using var model = new EdgeNet(4, 3, 2);
        using var mutator = new GdasMutator(model) { Temperature = 1 };
        using var scope = NewDisposeScope();
        var input = randn(6, 4);

        mutator.Reset();
        var sampled = mutator.SampledIndices;
        model.call(input).sum().backward();

        var edges = model.named_modules().Where(m => m.module is LayerChoice).ToDictionary(m => ((LayerChoice)m.module).Key, m => (LayerChoice)m.module);
        foreach (var (key, edge) in edges)
        {
            for (int i = 0; i < edge.Candidates.Count; i++)
            {
                bool ran = edge.Candidates[i].parameters().Any(p => p.grad is not null);
                Assert.AreEqual(i == sampled[key], ran, $"{key}: only the sampled candidate {sampled[key]} runs (candidate {i})");
            }
            Assert.IsTrue(mutator.Alphas[key].grad!.abs().sum().ToDouble() > 0, $"{key}'s alphas learn through the hard sample");
        }
    }

    [TestMethod]
    public void The_chosen_output_is_unscaled_and_samples_follow_the_alphas_at_a_low_temperature()
    {
        random.manual_seed(2);
        using var model = new EdgeNet(4, 3, 2);
        using var mutator = new GdasMutator(model) { Temperature = 0.1 };
        Set(mutator, "n2_p0", [0, 30, 0]);
        Set(mutator, "n2_p1", [30, 0, 0]);
        Set(mutator, "n2_p2", [0, 0, 30]);
        using var scope = NewDisposeScope();

        mutator.Reset();

        CollectionAssert.AreEquivalent(new Dictionary<string, int> { ["n2_p0"] = 1, ["n2_p1"] = 0, ["n2_p2"] = 2 }, mutator.SampledIndices.ToDictionary());
        var edge = model.named_modules().Select(m => m.module).OfType<LayerChoice>().First(c => c.Key == "n2_p0");
        var x = randn(5, 3);
        Assert.IsTrue(edge.call(x).equal(edge.Candidates[1].call(x)).all().ToBoolean(), "the hard weight is exactly 1 in the forward");
    }

    [TestMethod]
    public void Alphas_have_no_none_entry_and_export_takes_the_argmax_and_the_two_strongest_edges()
    {
        using var model = new EdgeNet(4, 3, 2);
        using var mutator = new GdasMutator(model);
        Set(mutator, "n2_p0", [0.1, 0.2, 0.0]);
        Set(mutator, "n2_p1", [0.0, 0.0, 3.0]);
        Set(mutator, "n2_p2", [1.5, 0.0, 0.0]);

        var architecture = mutator.Export();

        Assert.IsTrue(mutator.Alphas.Values.All(a => a.shape[0] == 3));
        Assert.IsFalse(mutator.HasNone);
        Assert.AreEqual(ArchitectureChoice.OfNames("n2_p1", "n2_p2"), architecture["n2_switch"]);
        Assert.AreEqual(ArchitectureChoice.Name("sigmoid"), architecture["n2_p1"]);
        Assert.AreEqual(ArchitectureChoice.Name("linear"), architecture["n2_p2"]);
    }

    [TestMethod]
    public void An_input_choice_with_alphas_of_its_own_takes_one_sampled_input()
    {
        random.manual_seed(3);
        using var model = new AnonymousInputsNet(nChosen: 1);
        using var mutator = new GdasMutator(model) { Temperature = 1 };
        Set(mutator, "op", [0, 0.5]);
        Set(mutator, "pick", [0, 0.5, 1]);
        using var scope = NewDisposeScope();
        mutator.Reset();

        var output = model.call(ones(1, 1));
        output.sum().backward();

        var sampled = mutator.SampledIndices;
        double[] inputs = [1, 2, sampled["op"] == 1 ? 2 : 1];   // [x, 2x, op(x)] at x = 1
        Assert.AreEqual(inputs[sampled["pick"]], output.ToDouble(), "one input, unscaled");
        Assert.IsTrue(mutator.Alphas["pick"].grad!.abs().sum().ToDouble() > 0, "the choice's alphas learn through the sample");
    }

    [TestMethod]
    public void The_temperature_must_be_positive()
    {
        using var model = new EdgeNet(4, 3, 2);
        using var mutator = new GdasMutator(model);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mutator.Temperature = 0);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mutator.Temperature = double.NaN);
    }

    private static void Set(GdasMutator mutator, string key, double[] values)
    {
        using var noGrad = no_grad();
        mutator.Alphas[key].copy_(tensor(values).to(ScalarType.Float32));
    }
}
