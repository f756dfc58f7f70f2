using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// What a budget buys (issue 15): the quick-start's ENAS search through <c>mlContext.Nas()</c> once per budget of
/// <c>--config</c> (<c>none</c>, <c>params:N</c> for <c>MaxParameters</c>, <c>latency:T</c> in milliseconds for
/// <c>MaxLatency</c> at batch 1) and seed; for each, the served network's parameters, its latency per digit as the
/// search predicted it (latency budgets only) and as measured here on the trained network, and its test accuracy.
/// Budgets count the served network, so <c>--final-width</c> changes what a number means. Latencies need a quiet
/// machine; accuracies need only <c>--threads</c> pinned.
/// </summary>
internal static class BudgetsReport
{
    private const string DefaultBudgets = "none,params:60000,params:30000,latency:0.8,latency:0.5";

    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var device = DeviceSelection.Resolve(options.Device);
        var digits = MnistDigits.Load();
        int[] trainIndices = digits.TrainIndices[..Math.Min(options.TrainRows ?? MnistDigits.TrainCount, MnistDigits.TrainCount)].ToArray();
        var budgets = (options.Config ?? DefaultBudgets).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Budget.Parse).ToList();
        Console.WriteLine($"budgets: ENAS on {BaselinesReport.EnasSpace(options)}, {trainIndices.Length} train / {MnistDigits.TestCount} test digits, " +
            (options.BudgetSeconds is { } seconds ? $"a Fit budget of {seconds} s, " : $"{options.SearchEpochs} search epochs, {options.Epochs} final epochs, ") +
            $"seeds 1..{options.Seeds}, {threads} torch threads, device {device}");
        Console.WriteLine($"Final recipe: {options.Recipe}");
        var rows = new List<(Budget Budget, List<FitResult> Runs, string? Error)>();
        foreach (var budget in budgets)
        {
            var runs = new List<FitResult>();
            string? error = null;
            for (int seed = 1; seed <= options.Seeds && error is null; seed++)
            {
                try
                {
                    var run = Fit(budget, digits, trainIndices, options, seed, device, threads);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  seed {seed} {budget}: {run.Parameters:N0} parameters, predicted {Ms(run.PredictedMs)}, measured {run.MeasuredMs:F3} ms, accuracy {100 * run.Accuracy:F2} %"));
                    runs.Add(run);
                }
                catch (ArgumentOutOfRangeException exception)
                {
                    // An unreachable budget is refused before training, naming the smallest reachable value: a row of its own.
                    error = exception.Message.Split('\n')[0];
                    Console.WriteLine($"  {budget}: {error}");
                }
            }
            rows.Add((budget, runs, error));
        }
        Console.WriteLine();
        Console.WriteLine("| budget | parameters | predicted latency (ms) | measured latency (ms) | test accuracy |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (budget, runs, error) in rows)
        {
            if (runs.Count == 0)
            {
                Console.WriteLine($"| {budget} | refused: {error} | | | |");
                continue;
            }
            var predicted = runs.Where(r => r.PredictedMs is not null).Select(r => r.PredictedMs!.Value).ToList();
            Console.WriteLine($"| {budget} | {BaselinesReport.Range(runs.Select(r => (long?)r.Parameters).ToList())} | {(predicted.Count > 0 ? BaselinesReport.Describe(predicted, "F3") : "—")} | " +
                $"{BaselinesReport.Describe(runs.Select(r => r.MeasuredMs).ToList(), "F3")} | {BaselinesReport.Describe(runs.Select(r => 100 * r.Accuracy).ToList(), "F2")} % |");
        }
    }

    private static FitResult Fit(Budget budget, MnistDigits digits, int[] trainIndices, BenchmarkArguments options, int seed, TorchSharp.torch.Device device, int threads)
    {
        var mlContext = new MLContext(seed);
        var enas = BaselinesReport.EnasOptions(options);
        enas.TimeBudget = options.BudgetSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        enas.Search.MaxParameters = budget.MaxParameters;
        enas.Search.MaxLatency = budget.MaxLatency;
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(enas));
        var model = pipeline.Fit(digits.ToDataView(mlContext, trainIndices));
        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(digits.TestData(mlContext)));
        using var nas = ((IEnumerable<ITransformer>)model).OfType<NasTransformer>().Single();
        double? predicted = nas.History.Search[^1].Metrics.TryGetValue("predictedLatencyMs", out double p) ? p : null;
        // Every row measured the same way, budgeted or not: the served network's forward of one digit.
        double measured = LatencyTable.MeasureForward(nas.Network, [1, MnistDigits.Side, MnistDigits.Side], 1, device, threads).TotalMilliseconds;
        return new FitResult(nas.ParameterCount, predicted, measured, metrics.MicroAccuracy);
    }

    private static string Ms(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) + " ms" : "—";

    private sealed record FitResult(long Parameters, double? PredictedMs, double MeasuredMs, double Accuracy);

    private sealed record Budget(long? MaxParameters, TimeSpan? MaxLatency)
    {
        public static Budget Parse(string text)
        {
            var parts = text.Split(':', 2);
            return parts[0] switch
            {
                "none" when parts.Length == 1 => new Budget(null, null),
                "params" when parts.Length == 2 => new Budget(long.Parse(parts[1], CultureInfo.InvariantCulture), null),
                "latency" when parts.Length == 2 => new Budget(null, TimeSpan.FromMilliseconds(double.Parse(parts[1], CultureInfo.InvariantCulture))),
                _ => throw new ArgumentException($"--config takes budgets none, params:N or latency:MS separated by commas; got '{text}'."),
            };
        }

        public override string ToString() =>
            MaxParameters is { } n ? $"MaxParameters {n.ToString("N0", CultureInfo.InvariantCulture)}"
            : MaxLatency is { } t ? $"MaxLatency {t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms"
            : "none";
    }
}
