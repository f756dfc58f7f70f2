using System.Diagnostics;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Tests.Strategies.Darts;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>A time budget plans the epochs that fit, sizes the schedule to them and ends on time.</summary>
[TestClass]
public sealed class TimeBudgetTests
{
    [TestMethod]
    public void The_plan_fits_the_first_epoch_into_the_budget_grows_in_its_first_third_and_only_shrinks_after()
    {
        var now = TimeSpan.Zero;
        var budget = new TimeBudget(TimeSpan.FromSeconds(100), maxEpochs: 1_000, () => now);

        Assert.AreEqual(1_000, budget.PlannedEpochs, "unplanned: the bound");
        Assert.AreEqual(1_000, budget.GuessDuringFirstEpoch(stepsDone: 0, stepsInEpoch: 30, now), "no guess before a step");
        now = TimeSpan.FromSeconds(0.6);
        // 0.6 s for the first step (its warm-up included), 30 steps: 18 s an epoch; 97 s usable → 5 epochs.
        Assert.AreEqual(5, budget.GuessDuringFirstEpoch(1, 30, now));
        now = TimeSpan.FromSeconds(0.9);
        // 0.3 s a step, 30 steps: 9 s an epoch; 97 s usable (3 % kept) → 10 epochs.
        Assert.AreEqual(10, budget.GuessDuringFirstEpoch(3, 30, now));

        now = TimeSpan.FromSeconds(9);
        // 100 − 3 (reserve) − 9 (spent) = 88 s: 9 more epochs of 9 s, this one counted.
        Assert.AreEqual(10, budget.PlanAfterSteps(epoch: 0, stepsTime: TimeSpan.FromSeconds(9)));
        now = TimeSpan.FromSeconds(10);
        budget.EpochTook(TimeSpan.FromSeconds(10), validationTime: TimeSpan.FromSeconds(1));

        now = TimeSpan.FromSeconds(20);
        // Reserve now 3 + 1 (the validation): 100 − 4 − 20 = 76 s for epochs of 10 s: 7 more, 9 in all.
        Assert.AreEqual(9, budget.PlanAfterSteps(1, TimeSpan.FromSeconds(9)));
        budget.EpochTook(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        now = TimeSpan.FromSeconds(25);
        // Epoch 3 of 9 is in the plan's first third: 100 − 4 − 25 = 71 s, 7 more epochs of 10 s.
        Assert.AreEqual(10, budget.PlanAfterSteps(2, TimeSpan.FromSeconds(4)), "a run ahead of its plan in its first third grows it");
        budget.EpochTook(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        now = TimeSpan.FromSeconds(30);
        // Epoch 4 of 10 is past the first third: 100 − 4 − 30 = 66 s would hold 8 more of (10 + 5) / 2 s, but the plan stays.
        Assert.AreEqual(10, budget.PlanAfterSteps(3, TimeSpan.FromSeconds(4)), "a run ahead of its plan later keeps it (no second warm schedule)");

        budget.StepTook("train", TimeSpan.FromSeconds(0.5));
        now = TimeSpan.FromSeconds(95.5);
        Assert.IsTrue(budget.StepFits("train"), "95.5 + 0.5 ends by 96 (100 less the 4 s reserve)");
        now = TimeSpan.FromSeconds(95.6);
        Assert.IsFalse(budget.StepFits("train"));
        Assert.IsTrue(budget.CutShort);
        Assert.AreEqual(5, budget.PlanAfterSteps(4, TimeSpan.FromSeconds(5)), "an epoch cut short is the last");
        Assert.AreEqual(TimeSpan.FromSeconds(4.4), budget.Left);
    }

    [TestMethod]
    public void The_second_epoch_plans_again_without_the_first_one_s_warm_up()
    {
        var now = TimeSpan.FromSeconds(20);
        var budget = new TimeBudget(TimeSpan.FromSeconds(100), maxEpochs: 1_000, () => now);
        // A slow first epoch (warm-up): 100 − 3 − 20 = 77 s left, 3 more epochs of 20 s.
        Assert.AreEqual(4, budget.PlanAfterSteps(0, TimeSpan.FromSeconds(20)));
        budget.EpochTook(TimeSpan.FromSeconds(21), TimeSpan.FromSeconds(1));
        now = TimeSpan.FromSeconds(31);
        // The second epoch's 10 s of steps and the 1 s validation: 100 − 4 − 31 = 65 s, 5 more epochs of 11 s.
        Assert.AreEqual(7, budget.PlanAfterSteps(1, TimeSpan.FromSeconds(10)), "the plan grows once the warm-up is over");
        budget.EpochTook(TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(1));
        now = TimeSpan.FromSeconds(42);
        // From here, the mean of the epochs after the first (11 s): 100 − 4 − 42 = 54 s, 4 more.
        Assert.AreEqual(7, budget.PlanAfterSteps(2, TimeSpan.FromSeconds(10)));
        budget.EpochTook(TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(1));
        now = TimeSpan.FromSeconds(70);
        // Behind after a slow fourth epoch (100 − 4 − 70 = 26 s: 2 more of 11 s, 6 in all): lowered.
        Assert.AreEqual(6, budget.PlanAfterSteps(3, TimeSpan.FromSeconds(27)));
    }

    [TestMethod]
    public void A_budgeted_training_ends_on_time_with_its_schedule_sized_to_the_plan()
    {
        var budget = TimeSpan.FromSeconds(1.5);
        using var data = TensorDataset.FromArrays([.. Enumerable.Range(0, 128 * 6).Select(i => (float)Math.Sin(i))], [6],
            [.. Enumerable.Range(0, 128).Select(i => (long)(i % 2))], CPU, 2);
        using var model = new EdgeNet(6, 4, 2);
        var timeLeft = new List<TimeSpan>();
        var options = new DartsTrainerOptions
        {
            TrainData = data, Device = "cpu", Threads = 1, Epochs = 100_000, BatchSize = 16, LearningRate = 0.1, MinLearningRate = 0.01,
            TimeBudget = budget, Progress = new InlineProgress<OneShotProgress>(p => timeLeft.Add(p.TimeLeft!.Value)),
        };
        using var trainer = new DartsTrainer(model, options);

        var clock = Stopwatch.StartNew();
        var history = trainer.Train();
        clock.Stop();

        Assert.IsTrue(trainer.Loop.StoppedByTimeBudget);
        Assert.IsTrue(history.Count >= 2, $"{history.Count} epochs of a few milliseconds in {budget}");
        Assert.IsTrue(clock.Elapsed < budget + TimeSpan.FromSeconds(0.5), $"Train took {clock.Elapsed} for a budget of {budget}");
        int planned = history[^1].PlannedEpochs!.Value;
        Assert.IsTrue(history[^1].CutShortByTimeBudget || history.Count == planned,
            $"the last epoch is the planned last ({history.Count} of {planned}) or was cut short");
        for (int e = 1; e < history.Count; e++)
        {
            // The rate of epoch e was set from the plan made after epoch e − 1's steps.
            double cosine = 0.01 + 0.09 * (1 + Math.Cos(Math.PI * e / history[e - 1].PlannedEpochs!.Value)) / 2;
            Assert.AreEqual(cosine, history[e].LearningRate, 1e-12, $"epoch {e}");
        }
        Assert.IsTrue(history[^1].LearningRate < 0.1 * 0.5 || history[^1].CutShortByTimeBudget,
            $"the schedule decays within the budget: last rate {history[^1].LearningRate}");
        Assert.IsTrue(timeLeft.Zip(timeLeft.Skip(1)).All(p => p.Second <= p.First), "progress reports a time left that only falls");
        Assert.IsTrue(history.All(r => r.TimeLeft is not null && r.ToMetrics().ContainsKey("timeLeftSeconds")));
    }

    [TestMethod]
    public void A_negative_budget_is_refused_by_name()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new DartsTrainerOptions { TimeBudget = TimeSpan.FromSeconds(-1) }.Validate("Search."));
        Assert.AreEqual("Search.TimeBudget", error.ParamName);
    }
}
