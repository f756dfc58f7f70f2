using System.Diagnostics;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary><c>NasOptions.TimeBudget</c>: Fit divides it between the phases, each ends on time, and the model works.</summary>
[TestClass]
public sealed class NasTimeBudgetTests
{
    [TestMethod]
    public void A_tiny_budget_ends_both_phases_on_time_with_a_usable_model_and_says_why()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var budget = TimeSpan.FromSeconds(4);
        var reports = new List<NasProgress>();
        var options = new EnasOptions
        {
            SearchSpace = SearchSpaces.Mlp(layers: 2, hidden: 32, widths: [16, 48]),
            // Epoch counts that take minutes (search) and a second (final): under a Fit's budget neither decides.
            Search = { Epochs = 10, BatchSize = 32, ChildSteps = 150, ExportSamples = 2 },
            Final = { Epochs = 10, BatchSize = 32 },
            Device = "cpu", Threads = 1, Seed = 3, TimeBudget = budget,
            Progress = new InlineProgress<NasProgress>(reports.Add),
        };
        var train = digits.ToDataView(mlContext, digits.TrainIndices[..2_000]);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(options));

        var clock = Stopwatch.StartNew();
        var fitted = pipeline.Fit(train);
        clock.Stop();
        using var model = fitted.LastTransformer;

        // Loose on purpose (a busy test machine): ten epochs of each phase take minutes, a budget-bound Fit seconds.
        Assert.IsTrue(clock.Elapsed < budget * 4, $"Fit took {clock.Elapsed} for a budget of {budget}");
        Assert.IsTrue(clock.Elapsed > budget * 0.6, $"Fit took {clock.Elapsed}: the budget, not the epoch counts, sizes the phases");
        foreach (var phase in new[] { model.History.Search, model.History.Final })
        {
            Assert.IsTrue(phase.Count >= 1);
            var last = phase[^1].Metrics;
            Assert.IsTrue(last["cutShortByTimeBudget"] == 1 || phase.Count == (int)last["plannedEpochs"],
                $"{phase[^1].Phase}: {phase.Count} epochs, planned {last["plannedEpochs"]}, cut short {last["cutShortByTimeBudget"]}");
        }
        var withTime = reports.Where(r => r.TimeLeft is not null).ToList();
        Assert.IsTrue(withTime.Count == reports.Count && withTime.Count > 0, "every progress report carries the Fit's time left");
        Assert.IsTrue(withTime[^1].TimeLeft < withTime[0].TimeLeft);
        var metrics = mlContext.MulticlassClassification.Evaluate(fitted.Transform(digits.ToDataView(mlContext, digits.TestIndices[..300])));
        Assert.IsTrue(metrics.MicroAccuracy > 0.3, $"a usable model after {budget}: accuracy {metrics.MicroAccuracy:P1}");
    }

    [TestMethod]
    public void Bad_budget_options_are_named()
    {
        var ml = new MLContext();
        var negative = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Nas().Enas(new EnasOptions { TimeBudget = TimeSpan.FromSeconds(-5) }));
        Assert.AreEqual(nameof(NasOptions.TimeBudget), negative.ParamName);
        var share = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Nas().Darts(new DartsOptions { TimeBudget = TimeSpan.FromMinutes(1), SearchTimeFraction = 1 }));
        Assert.AreEqual(nameof(NasOptions.SearchTimeFraction), share.ParamName);
        var both = Assert.ThrowsExactly<ArgumentException>(() => ml.Nas().Enas(new EnasOptions
        {
            TimeBudget = TimeSpan.FromMinutes(1), Final = { TimeBudget = TimeSpan.FromSeconds(10) },
        }));
        Assert.AreEqual("Final.TimeBudget", both.ParamName);
    }
}
