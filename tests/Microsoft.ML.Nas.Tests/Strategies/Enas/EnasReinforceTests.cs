using Microsoft.ML.Nas.Strategies.Enas;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

[TestClass]
public sealed class EnasReinforceTests
{
    private static bool[] Mask(EnasMutator mutator, string key) => mutator.GetDecision(key).data<bool>().ToArray();

    private static double Rate(EnasMutator mutator, int draws, Func<EnasMutator, double> measure)
    {
        using var noGrad = no_grad();
        double total = 0;
        for (int i = 0; i < draws; i++)
        {
            mutator.Reset();
            total += measure(mutator);
        }
        return total / draws;
    }

    [TestMethod]
    public void The_controller_converges_to_the_one_candidate_that_earns_the_reward()
    {
        using var threads = new SingleThread();
        using var model = new OneChoiceNet("op", "a", "b", "c", "d");
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { TanhConstant = 2.5, Seed = 1 });
        using var reinforce = new EnasReinforce(mutator, learningRate: 0.01, entropyWeight: 0, aggregateSteps: 5);
        double Chosen(EnasMutator m) => Mask(m, "op")[2] ? 1 : 0;
        double before = Rate(mutator, 200, Chosen);
        int steps = 0;
        while (steps < 300)
        {
            mutator.Reset();
            if (reinforce.Observe(Chosen(mutator)).Stepped)
            {
                steps++;
            }
        }
        double after = Rate(mutator, 200, Chosen);
        Assert.IsLessThan(0.4, before, $"Before training the rewarded candidate came up {before:P0} of the time.");
        Assert.IsGreaterThanOrEqualTo(0.9, after, $"After {steps} controller steps it came up {after:P0} of the time.");
    }

    [TestMethod]
    public void The_skip_penalty_moves_the_skip_rate_toward_the_skip_target()
    {
        using var threads = new SingleThread();
        using var model = new TwoScopeNet();
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { SkipTarget = 0.1, Seed = 2 });
        // A constant reward leaves the skip penalty as the only force on the controller.
        using var reinforce = new EnasReinforce(mutator, learningRate: 0.01, entropyWeight: 0, aggregateSteps: 5);
        double Kept(EnasMutator m) => Mask(m, "skip").Count(k => k) / 2.0;
        double before = Rate(mutator, 300, Kept);
        for (int i = 0; i < 5 * 150; i++)
        {
            mutator.Reset();
            reinforce.Observe(0);
        }
        double after = Rate(mutator, 300, Kept);
        Assert.IsGreaterThan(0.35, before, $"Inputs were kept {before:P0} of the time before.");
        Assert.IsLessThan(0.2, after, $"Inputs were kept {after:P0} of the time after (target 10%).");
    }

    [TestMethod]
    public void The_baseline_is_a_moving_average_of_rewards_with_the_entropy_term()
    {
        using var model = new OneChoiceNet("op", "a", "b");
        using var mutator = new EnasMutator(model);
        using var reinforce = new EnasReinforce(mutator, entropyWeight: 0.5, baselineDecay: 0.9, aggregateSteps: 2);
        mutator.Reset();
        double entropy = mutator.SampleEntropy.ToDouble();
        double logProbability = mutator.SampleLogProbability.ToDouble();
        var first = reinforce.Observe(1);
        Assert.AreEqual(1 + 0.5 * entropy, first.Reward, 1e-6);
        Assert.AreEqual(0.1 * first.Reward, first.Baseline, 1e-6);
        Assert.AreEqual(-logProbability * (first.Reward - first.Baseline), first.Loss, 1e-5);
        Assert.IsFalse(first.Stepped);
        mutator.Reset();
        var second = reinforce.Observe(0);
        Assert.AreEqual(0.9 * first.Baseline + 0.1 * second.Reward, second.Baseline, 1e-6);
        Assert.IsTrue(second.Stepped, "The second of two aggregated samples steps the optimizer.");
        Assert.AreEqual(0, reinforce.PendingSamples);
    }

    [TestMethod]
    public void A_baseline_from_the_first_reward_starts_there_and_then_moves_as_NNI_s()
    {
        using var model = new OneChoiceNet("op", "a", "b");
        using var mutator = new EnasMutator(model);
        using var reinforce = new EnasReinforce(mutator, entropyWeight: 0, baselineDecay: 0.9, aggregateSteps: 1) { BaselineFromFirstReward = true };
        mutator.Reset();
        var first = reinforce.Observe(0.6);
        Assert.AreEqual(0.6, first.Baseline, 1e-12, "the first reward, not 0.1 of it");
        Assert.AreEqual(0, first.Loss, 1e-12, "the first sample neither beats nor trails its baseline");
        mutator.Reset();
        var second = reinforce.Observe(0.8);
        Assert.AreEqual(0.9 * 0.6 + 0.1 * 0.8, second.Baseline, 1e-12);
    }

    [TestMethod]
    public void A_sample_drawn_without_gradients_cannot_be_observed()
    {
        using var model = new OneChoiceNet("op", "a", "b");
        using var mutator = new EnasMutator(model);
        using var reinforce = new EnasReinforce(mutator);
        using (no_grad())
        {
            mutator.Reset();
        }
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => reinforce.Observe(1));
        StringAssert.Contains(error.Message, "no_grad");
    }
}
