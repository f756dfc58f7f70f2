using System.Globalization;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// The same training rows in the split's order and sorted by label (what a folder-per-class image loader gives),
/// searched and retrained through <c>mlContext.Nas()</c> with ENAS and DARTS (the baselines' settings), test accuracy
/// of each with mean ± sd over <c>--seeds N</c>. Every split the strategies make is a seeded stratified shuffle, so the
/// order of the rows should cost nothing.
/// </summary>
internal static class SortedDataReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var digits = MnistDigits.Load();
        int[] splitOrder = digits.TrainIndices[..Math.Min(options.TrainRows ?? 2_000, MnistDigits.TrainCount)].ToArray();
        var labels = digits.GetLabels(splitOrder);
        // OrderBy is stable: within a class the rows keep the split's order.
        int[] sortedByLabel = [.. splitOrder.Select((index, i) => (index, label: labels[i])).OrderBy(p => p.label).Select(p => p.index)];
        Console.WriteLine($"sorted-data: {splitOrder.Length} training rows, {MnistDigits.TestCount} test, {options.SearchEpochs} search epochs " +
            $"({options.ChildSteps} ENAS child steps each), {options.Epochs} final epochs, {options.Seeds} seed(s), {threads} torch threads, device {options.Device}");
        var strategies = new (string Name, Func<MLContext, IEstimator<ITransformer>> Trainer)[]
        {
            ("ENAS", ml => ml.Nas().Enas(BaselinesReport.EnasOptions(options))),
            ("DARTS", ml => ml.Nas().Darts(BaselinesReport.DartsOptions(options))),
        };
        foreach (var (name, trainer) in strategies)
        {
            var inSplitOrder = BaselinesReport.MLNet(name, digits, splitOrder, null, trainer);
            var sorted = BaselinesReport.MLNet(name, digits, sortedByLabel, null, trainer);
            var accuracies = (Split: new List<double>(), Sorted: new List<double>());
            for (int seed = 1; seed <= options.Seeds; seed++)
            {
                accuracies.Split.Add(100 * inSplitOrder.Run(seed).Accuracy);
                accuracies.Sorted.Add(100 * sorted.Run(seed).Accuracy);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  seed {seed} {name}: split order {accuracies.Split[^1]:F2} %, sorted by label {accuracies.Sorted[^1]:F2} %"));
            }
            double difference = accuracies.Sorted.Average() - accuracies.Split.Average();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT sorted-data strategy={name} split_order={BaselinesReport.Describe(accuracies.Split, "F2")} sorted_by_label={BaselinesReport.Describe(accuracies.Sorted, "F2")} " +
                $"sorted_minus_split={difference:F2}"));
        }
    }
}
