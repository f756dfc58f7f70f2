using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// <c>NasOptions.TimeBudget</c> kept? ENAS (enas-macro), DARTS (darts-cells) and ENAS on the MLP space (the digits as
/// plain vectors), each fitted through <c>mlContext.Nas()</c> with <c>--budget S</c> seconds on the embedded digits:
/// Fit's wall time against the budget (the target: at most 10 % over on a quiet machine), the epochs each phase planned
/// and ran, and the test accuracy.
/// </summary>
internal static class TimeBudgetReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var budget = TimeSpan.FromSeconds(options.BudgetSeconds ?? 60);
        var digits = MnistDigits.Load();
        int[] trainIndices = digits.TrainIndices[..Math.Min(options.TrainRows ?? MnistDigits.TrainCount, MnistDigits.TrainCount)].ToArray();
        Console.WriteLine($"time-budget: {budget.TotalSeconds:F0} s per Fit ({0.4:P0} to the search), {trainIndices.Length} train / {MnistDigits.TestCount} test digits, " +
            $"{threads} torch threads, device {options.Device}");
        var image = (1, MnistDigits.Side, MnistDigits.Side);
        var entries = new (string Name, Func<MLContext, IEstimator<ITransformer>> Trainer)[]
        {
            ("ENAS enas-macro", ml => ml.Nas().Enas(new EnasOptions
            {
                SearchSpace = BaselinesReport.EnasSpace(options), ImageShape = image, TimeBudget = budget, Device = options.Device, Threads = options.Threads,
                Search = { ChildSteps = options.ChildSteps, ControllerSteps = 10, ControllerAggregate = 2, ExportSamples = 8, LearningRate = 0.05 },
                Final = { LearningRate = 0.1, WeightDecay = 1e-4, ShiftPixels = 2 },
            })),
            ("DARTS darts-cells", ml => ml.Nas().Darts(new DartsOptions
            {
                SearchSpace = BaselinesReport.DartsSpace, ImageShape = image, TimeBudget = budget, Device = options.Device, Threads = options.Threads,
                Final = { LearningRate = 0.1, WeightDecay = 1e-4, ShiftPixels = 2 },
            })),
            ("ENAS mlp", ml => ml.Nas().Enas(new EnasOptions
            {
                SearchSpace = SearchSpaces.Mlp(), TimeBudget = budget, Device = options.Device, Threads = options.Threads,
                Search = { ChildSteps = options.ChildSteps },
            })),
        };
        foreach (var (name, trainer) in entries)
        {
            var mlContext = new MLContext(seed: 1);
            var train = digits.ToDataView(mlContext, trainIndices);
            var clock = Stopwatch.StartNew();
            var model = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(trainer(mlContext)).Fit(train);
            double fitSeconds = clock.Elapsed.TotalSeconds;
            using var nas = (NasTransformer)model.LastTransformer;
            var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(digits.TestData(mlContext)));
            static string Phase(IReadOnlyList<NasEpochRecord> epochs)
            {
                if (epochs.Count == 0)
                {
                    return "none";
                }
                string cut = epochs[^1].Metrics["cutShortByTimeBudget"] == 1 ? ", last cut short" : "";
                return string.Create(CultureInfo.InvariantCulture,
                    $"{epochs.Count} epochs of {epochs[^1].Metrics["plannedEpochs"]:F0} planned, {epochs.Sum(e => e.Metrics["seconds"]):F1} s{cut}");
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT time-budget entry=\"{name}\" budget_s={budget.TotalSeconds:F0} fit_s={fitSeconds:F1} over_budget={fitSeconds / budget.TotalSeconds - 1:P1} " +
                $"accuracy={metrics.MicroAccuracy:P2} search=\"{Phase(nas.History.Search)}\" final=\"{Phase(nas.History.Final)}\""));
        }
    }
}
