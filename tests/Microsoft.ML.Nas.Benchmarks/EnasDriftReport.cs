using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Why does ENAS macro drift to pools? The quick-start's search (enas-macro 4 layers × 16 filters on the digits) under
/// NNI's controller settings and under single changes: the baseline starting at the first reward, three times the
/// controller steps, ten times the entropy weight. Per epoch: the share of the controller's most likely architecture's
/// layer choices that are pools or skips, its probability per decision, and the mean reward and baseline; and
/// the same share in the exported architecture (the best of the sampled ones as scored on the reward data).
/// </summary>
internal static class EnasDriftReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..Math.Min(options.TrainRows ?? MnistDigits.TrainCount, MnistDigits.TrainCount)];
        using var data = TensorDataset.FromArrays(digits.GetFeatures(indices), [1, MnistDigits.Side, MnistDigits.Side], digits.GetLabels(indices),
            DeviceSelection.Resolve(options.Device), MnistDigits.ClassCount);
        Console.WriteLine($"enas-drift: {data.Count} digits, {options.SearchEpochs} epochs × {options.ChildSteps} child steps, seeds 1..{options.Seeds}, " +
            $"{threads} torch threads, device {options.Device}; space {BaselinesReport.EnasSpace(options)}");
        var variants = new (string Name, Action<EnasTrainerOptions> Change)[]
        {
            // NNI's own settings: rewards with the running statistics, and the baseline from 0.
            ("NNI (running statistics, baseline from 0)", o => o.RewardNormalization = RewardNormalization.RunningStatistics),
            ("baseline from first reward", o => o.BaselineFromFirstReward = true),
            ("3x controller steps", o => o.ControllerSteps *= 3),
            ("10x entropy weight", o => o.EntropyWeight *= 10),
            ("defaults (rewards with batch statistics)", _ => { }),
        };
        // --config names a variant (or part of its name) to run alone.
        foreach (var (name, change) in variants.Where(v => options.Config is null || v.Name.Contains(options.Config, StringComparison.OrdinalIgnoreCase)))
        {
            var lastShares = new List<double>();
            var exportedShares = new List<double>();
            for (int seed = 1; seed <= options.Seeds; seed++)
            {
                random.manual_seed(seed);
                using var supernet = SearchSpaceRegistry.Build(BaselinesReport.EnasSpace(options), new SpaceContext([1, MnistDigits.Side, MnistDigits.Side], MnistDigits.ClassCount));
                var search = new EnasTrainerOptions
                {
                    TrainData = data, Epochs = options.SearchEpochs, ChildSteps = options.ChildSteps, ControllerSteps = 10, ControllerAggregate = 2,
                    ExportSamples = 8, LearningRate = 0.05, Seed = seed, Device = options.Device, Threads = options.Threads,
                };
                change(search);
                using var trainer = new EnasTrainer(supernet, search);
                var history = trainer.Train();
                string Series(string key, string format) => string.Join(" ", history.Select(e => e.Values.TryGetValue(key, out var v)
                    ? v.ToString(format, CultureInfo.InvariantCulture) : "-"));
                Console.WriteLine($"  {name}, seed {seed}: child accuracy by epoch {string.Join(" ", history.Select(e => e.TrainMetric.ToString("F2", CultureInfo.InvariantCulture)))}; " +
                    $"pool-or-skip share {Series("top_architecture_pool_or_skip_share", "F2")}; " +
                    $"probability {Series("top_architecture_probability", "F2")}; reward {Series("reward", "F2")}; baseline {Series("baseline", "F2")}");
                lastShares.Add(history[^1].Values["top_architecture_pool_or_skip_share"]);
                // The export scores ExportSamples sampled architectures on the reward data and keeps the best.
                var exported = trainer.Export();
                var masks = ArchitectureResolver.Resolve(exported, trainer.Mutator.SearchSpace, null)
                    .ToDictionary(p => p.Key, p => p.Value.Values.Select(v => v != 0).ToArray());
                exportedShares.Add(trainer.Mutator.SearchSpace.PoolOrSkipShare(key => masks[key]));
                Console.WriteLine($"  {name}, seed {seed}: exported {exported.ToJson()} (pool-or-skip share {exportedShares[^1]:F2})");
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT enas-drift variant=\"{name}\" last_epoch_pool_or_skip_share={BaselinesReport.Describe(lastShares, "F2")} " +
                $"exported_pool_or_skip_share={BaselinesReport.Describe(exportedShares, "F2")}"));
        }
    }
}
