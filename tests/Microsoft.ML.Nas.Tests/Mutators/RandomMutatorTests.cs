using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Tests.Mutables;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Mutators;

[TestClass]
public sealed class RandomMutatorTests
{
    private static List<string> Sample(int seed, int count, int? nChosen = null)
    {
        using var model = new TinyNet(nChosen: nChosen);
        using var mutator = new RandomMutator(model, seed);
        var samples = new List<string>();
        for (int i = 0; i < count; i++)
        {
            samples.Add(mutator.Export().ToJson());
            mutator.Reset();
        }
        return samples;
    }

    [TestMethod]
    public void The_same_seed_gives_the_same_decisions()
    {
        CollectionAssert.AreEqual(Sample(7, 10), Sample(7, 10));
        CollectionAssert.AreNotEqual(Sample(7, 10), Sample(8, 10));
    }

    [TestMethod]
    public void A_LayerChoice_gets_one_candidate_and_every_candidate_comes_up()
    {
        using var model = new TinyNet(nChosen: 1);
        using var mutator = new RandomMutator(model, seed: 1);
        var seen = new HashSet<int>();
        for (int i = 0; i < 60; i++)
        {
            mutator.Reset();
            var mask = mutator.GetDecision("LayerChoice1").data<bool>().ToArray();
            Assert.AreEqual(1, mask.Count(m => m));
            seen.Add(Array.IndexOf(mask, true));
            Assert.AreEqual(1, mutator.GetDecision("InputChoice2").data<bool>().ToArray().Count(m => m), "nChosen = 1 keeps exactly one input.");
        }
        Assert.HasCount(3, seen);
    }

    [TestMethod]
    public void An_InputChoice_of_any_subset_takes_each_input_about_half_the_time()
    {
        using var model = new TinyNet();
        using var mutator = new RandomMutator(model, seed: 2);
        int taken = 0;
        const int Draws = 400;
        for (int i = 0; i < Draws; i++)
        {
            mutator.Reset();
            taken += mutator.GetDecision("InputChoice2").data<bool>().ToArray().Count(m => m);
        }
        Assert.AreEqual(0.5, taken / (2.0 * Draws), 0.06);
    }

    [TestMethod]
    public void A_random_architecture_runs_the_model()
    {
        using var model = new TinyNet(nChosen: 1);
        using var mutator = new RandomMutator(model, seed: 3);
        using var scope = NewDisposeScope();
        CollectionAssert.AreEqual(new long[] { 5, 3 }, model.call(ones(5, 4)).shape);
        Assert.IsTrue(ModelSearchSpace.Of(model).Decisions.All(d => mutator.HasDecision(d.Key)));
    }

    [TestMethod]
    public void A_disposed_mutator_no_longer_drives_the_model()
    {
        using var model = new TinyNet(nChosen: 1);
        new RandomMutator(model, seed: 3).Dispose();
        using var scope = NewDisposeScope();
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => model.call(ones(5, 4)));
        StringAssert.Contains(error.Message, "no mutator");
    }
}
