using Microsoft.ML.Nas.Strategies.Enas;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

[TestClass]
public sealed class EnasMutatorTests
{
    // Handles that earlier code dropped without disposing are finalized at unpredictable times; collect them first.
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }

    private static bool[] Mask(EnasMutator mutator, string key) => mutator.GetDecision(key).data<bool>().ToArray();

    private static List<string> Samples(int seed, int count)
    {
        using var threads = new SingleThread();
        using var model = new TwoScopeNet();
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { Seed = seed });
        var samples = new List<string>();
        using var noGrad = no_grad();
        for (int i = 0; i < count; i++)
        {
            mutator.Reset();
            samples.Add(mutator.Export().ToJson());
        }
        return samples;
    }

    [TestMethod]
    public void The_same_seed_gives_the_same_controller_and_the_same_samples()
    {
        CollectionAssert.AreEqual(Samples(5, 30), Samples(5, 30));
        CollectionAssert.AreNotEqual(Samples(5, 30), Samples(6, 30));
    }

    [TestMethod]
    public void Every_decision_is_sampled_with_the_number_of_choices_it_allows()
    {
        using var model = new TwoScopeNet(nChosen: 1);
        using var mutator = new EnasMutator(model);
        using var noGrad = no_grad();
        for (int i = 0; i < 20; i++)
        {
            mutator.Reset();
            Assert.AreEqual(1, Mask(mutator, "a_op").Count(m => m));
            Assert.AreEqual(1, Mask(mutator, "b_op").Count(m => m));
            Assert.AreEqual(1, Mask(mutator, "skip").Count(m => m));
            using var output = model.call(ones(2, 3));
            CollectionAssert.AreEqual(new long[] { 2, 3 }, output.shape);
        }
    }

    [TestMethod]
    public void A_LayerChoice_whose_logit_is_pushed_gives_that_choice_in_at_least_99_percent_of_samples()
    {
        // The branch bias pushes conv candidates of "reduce" keys up and the others down.
        using var threads = new SingleThread();
        using var model = new OneChoiceNet("reduce_op", "pool", "conv", "identity");
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { BranchBias = 5, Seed = 3 });
        using var noGrad = no_grad();
        const int Draws = 500;
        int pushed = 0;
        for (int i = 0; i < Draws; i++)
        {
            mutator.Reset();
            pushed += Mask(mutator, "reduce_op")[1] ? 1 : 0;
        }
        Assert.IsGreaterThanOrEqualTo(0.99 * Draws, pushed, $"conv came up {pushed} times in {Draws}.");
    }

    [TestMethod]
    public void Without_reduce_in_the_key_no_branch_bias_applies()
    {
        using var model = new OneChoiceNet("normal_op", "pool", "conv", "identity");
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { BranchBias = 5, Seed = 3 });
        using var noGrad = no_grad();
        var counts = new int[3];
        for (int i = 0; i < 300; i++)
        {
            mutator.Reset();
            counts[Array.IndexOf(Mask(mutator, "normal_op"), true)]++;
        }
        Assert.IsTrue(counts.All(c => c > 30), $"counts {string.Join(", ", counts)}");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Log_probability_entropy_and_skip_penalty_match_a_hand_computation(bool cellExitExtraStep)
    {
        const double Tanh = 1.5, SkipTarget = 0.4;
        using var model = new TwoScopeNet();
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { CellExitExtraStep = cellExitExtraStep, Seed = 11 });
        for (int sample = 0; sample < 5; sample++)
        {
            mutator.Reset();
            var hand = new HandController(mutator.Controller);
            double logProbability = 0, entropy = 0;
            void AddChoice(double lp)
            {
                logProbability += lp;
                entropy += -lp * Math.Exp(lp);
            }
            var anchors = new List<double[]>();
            foreach (var key in new[] { "a_op", "b_op" })
            {
                hand.Step();
                int chosen = Array.IndexOf(Mask(mutator, key), true);
                AddChoice(hand.ChoiceLogProbabilities(Tanh)[chosen]);
                hand.Input = hand.Embedding(chosen);
                if (cellExitExtraStep)
                {
                    hand.Step();
                }
                anchors.Add(hand.Hidden);
            }
            var scores = hand.Scores(anchors, Tanh);
            var kept = Mask(mutator, "skip");
            double skipPenalty = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                var pair = HandController.LogSoftmax([-scores[i], scores[i]]);
                AddChoice(pair[kept[i] ? 1 : 0]);
                foreach (var (logit, target) in new[] { (-scores[i], 1 - SkipTarget), (scores[i], SkipTarget) })
                {
                    double p = HandController.Sigmoid(logit);
                    skipPenalty += p * Math.Log(p / target);
                }
            }
            Assert.AreEqual(logProbability, mutator.SampleLogProbability.ToDouble(), 1e-5);
            Assert.AreEqual(entropy, mutator.SampleEntropy.ToDouble(), 1e-5);
            Assert.AreEqual(skipPenalty, mutator.SampleSkipPenalty.ToDouble(), 1e-5);
            Assert.IsTrue(mutator.SampleLogProbability.requires_grad, "Sampled with gradients on, the log-probability is in the graph.");
            Assert.IsFalse(mutator.SampleEntropy.requires_grad, "The entropy is a reward term and carries no gradient.");
        }
    }

    [TestMethod]
    public void A_single_input_choice_feeds_the_chosen_anchor_and_has_no_skip_penalty()
    {
        using var model = new TwoScopeNet(nChosen: 1);
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { Seed = 2 });
        mutator.Reset();
        var hand = new HandController(mutator.Controller);
        double logProbability = 0;
        var anchors = new List<double[]>();
        foreach (var key in new[] { "a_op", "b_op" })
        {
            hand.Step();
            int chosen = Array.IndexOf(Mask(mutator, key), true);
            logProbability += hand.ChoiceLogProbabilities(1.5)[chosen];
            hand.Input = hand.Embedding(chosen);
            anchors.Add(hand.Hidden);
        }
        int input = Array.IndexOf(Mask(mutator, "skip"), true);
        logProbability += HandController.LogSoftmax(hand.Scores(anchors, 1.5))[input];
        Assert.AreEqual(logProbability, mutator.SampleLogProbability.ToDouble(), 1e-5);
        Assert.AreEqual(0, mutator.SampleSkipPenalty.ToDouble());
    }

    [TestMethod]
    public void Mean_entropy_reduction_averages_the_per_input_terms_of_an_any_subset_choice()
    {
        using var summed = new TwoScopeNet();
        using var averaged = new TwoScopeNet();
        using var sumMutator = new EnasMutator(summed, new EnasMutatorOptions { Seed = 4 });
        using var meanMutator = new EnasMutator(averaged, new EnasMutatorOptions { Seed = 4, EntropyReduction = EntropyReduction.Mean });
        using var noGrad = no_grad();
        sumMutator.Reset();
        meanMutator.Reset();
        Assert.AreEqual(sumMutator.Export().ToJson(), meanMutator.Export().ToJson(), "The reduction changes no draw.");
        var hand = new HandController(sumMutator.Controller);
        var anchors = new List<double[]>();
        double layerTerms = 0;
        foreach (var key in new[] { "a_op", "b_op" })
        {
            hand.Step();
            int chosen = Array.IndexOf(Mask(sumMutator, key), true);
            layerTerms += hand.ChoiceLogProbabilities(1.5)[chosen];
            hand.Input = hand.Embedding(chosen);
            anchors.Add(hand.Hidden);
        }
        double inputTerms = 0;
        var kept = Mask(sumMutator, "skip");
        var scores = hand.Scores(anchors, 1.5);
        for (int i = 0; i < scores.Length; i++)
        {
            inputTerms += HandController.LogSoftmax([-scores[i], scores[i]])[kept[i] ? 1 : 0];
        }
        Assert.AreEqual(layerTerms + inputTerms, sumMutator.SampleLogProbability.ToDouble(), 1e-5);
        Assert.AreEqual(layerTerms + inputTerms / 2, meanMutator.SampleLogProbability.ToDouble(), 1e-5);
    }

    [TestMethod]
    public void LayerChoices_of_different_sizes_are_each_sampled_from_a_head_of_their_size()
    {
        using var threads = new SingleThread();
        using var model = new UnevenChoicesNet();
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { Seed = 2 });
        var small = new HashSet<int>();
        var large = new HashSet<int>();
        using var noGrad = no_grad();
        for (int i = 0; i < 60; i++)
        {
            mutator.Reset();
            var smallMask = Mask(mutator, "small");
            var largeMask = Mask(mutator, "large");
            Assert.AreEqual(1, smallMask.Count(m => m));
            Assert.AreEqual(1, largeMask.Count(m => m));
            small.Add(Array.IndexOf(smallMask, true));
            large.Add(Array.IndexOf(largeMask, true));
            using var output = model.call(ones(2, 3));
            CollectionAssert.AreEqual(new long[] { 2, 3 }, output.shape);
        }
        Assert.HasCount(2, small, "both candidates of the 2-way choice come up");
        Assert.HasCount(3, large, "all three candidates of the 3-way choice come up");
    }

    [TestMethod]
    public void An_InputChoice_of_two_samples_two_distinct_inputs_and_their_log_probability()
    {
        using var threads = new SingleThread();
        using var model = new ChooseTwoNet();
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { Seed = 4 });
        var pairs = new HashSet<string>();
        for (int i = 0; i < 60; i++)
        {
            mutator.Reset();
            var mask = Mask(mutator, "pick");
            Assert.AreEqual(2, mask.Count(m => m), "nChosen = 2 keeps exactly two inputs");
            pairs.Add(string.Join(",", mask));
            Assert.IsTrue(mutator.SampleLogProbability.requires_grad, "the draw is differentiable for REINFORCE");
            Assert.IsLessThan(0.0, mutator.SampleLogProbability.ToDouble());
        }
        Assert.HasCount(3, pairs, "every pair of the three inputs comes up");
    }

    [TestMethod]
    public void Options_out_of_range_are_refused_by_name()
    {
        using var model = new TwoScopeNet();
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EnasMutator(model, new EnasMutatorOptions { SkipTarget = 1 }));
        StringAssert.Contains(error.Message, "SkipTarget");
        error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EnasMutator(model, new EnasMutatorOptions { Temperature = 0 }));
        StringAssert.Contains(error.Message, "Temperature");
    }

    [TestMethod]
    public void Resetting_many_times_keeps_tensor_count_flat()
    {
        using var threads = new SingleThread();
        using var model = new TwoScopeNet();
        using var mutator = new EnasMutator(model);
        for (int i = 0; i < 20; i++)
        {
            mutator.Reset();
        }
        long before = LiveTensors();
        for (int i = 0; i < 200; i++)
        {
            mutator.Reset();
        }
        Assert.AreEqual(before, LiveTensors(), "Each sample frees what the previous one held.");
    }
}
