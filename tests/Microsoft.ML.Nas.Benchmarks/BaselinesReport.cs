using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Issue 13's yardstick, in one process on the embedded split: ML.NET's LightGbm and SdcaMaximumEntropy, the plain CNN,
/// the hand-designed BN-CNN and the networks ENAS and DARTS find through <c>mlContext.Nas()</c>, every network trained
/// with the same final recipe (<see cref="FinalRecipe"/>). One table of test accuracy, parameters and wall time (fit
/// and evaluation), with mean ± sd over <c>--seeds N</c>. With <c>--budget S</c> every network gets the same S seconds:
/// a NAS Fit through <c>NasOptions.TimeBudget</c> (search and final training together), a hand-designed network's
/// training through its trainer's <c>TimeBudget</c>; the ML.NET trainers have none. <c>--config a,b</c> runs only the
/// entries with those keys (lightgbm, sdca, plain-cnn, bn-cnn, enas, darts, random, spos, proxyless).
/// </summary>
internal static class BaselinesReport
{
    internal sealed record Entry(string Name, Func<int, Result> Run)
    {
        /// <summary>The entry's name for <c>--config</c>.</summary>
        public string Key { get; init; } = "";
    }

    /// <param name="Epochs">The epochs trained: "search / final" for a NAS Fit, the count for a torch network, empty for ML.NET's trainers.</param>
    /// <param name="Architecture">A NAS Fit's found architecture as one line of NNI-format JSON; empty for the others.</param>
    internal sealed record Result(double Accuracy, long? Parameters, double Seconds, string Epochs = "", string Architecture = "");

    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var digits = MnistDigits.Load();
        int[] trainIndices = digits.TrainIndices[..Math.Min(options.TrainRows ?? MnistDigits.TrainCount, MnistDigits.TrainCount)].ToArray();
        var device = DeviceSelection.Resolve(options.Device);
        using var trainData = Tensors(digits, trainIndices, device);
        using var testData = Tensors(digits, digits.TestIndices.ToArray(), device);
        TimeSpan? budget = options.BudgetSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        Console.WriteLine($"MNIST digits {trainIndices.Length} train / {MnistDigits.TestCount} test, " +
            (budget is { } length ? $"a time budget of {length.TotalSeconds:F0} s per network (NAS: search and final training together)" : $"{options.Epochs} final epochs, {options.SearchEpochs} search epochs") +
            $", {options.Seeds} seed(s) from {options.FirstSeed}, {threads} torch threads, device {device} (machine may be loaded)");
        Console.WriteLine($"Final recipe: {options.Recipe}");
        Console.WriteLine($"Searched spaces: {EnasSpace(options)}, {DartsSpace}; torch networks' times leave out reading the data, ML.NET's include it; " +
            $"ENAS's controller baseline starts {(options.BaselineFromFirstReward ? "at its first reward" : "at 0 (NNI)")}.");

        Entry[] all =
        [
            MLNet("LightGbm (defaults)", digits, trainIndices, null, ml => ml.MulticlassClassification.Trainers.LightGbm()) with { Key = "lightgbm" },
            MLNet("SdcaMaximumEntropy (NormalizeMinMax)", digits, trainIndices, MnistDigits.PixelsPerImage * 10 + 10,
                ml => ml.Transforms.NormalizeMinMax("Features").Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())) with { Key = "sdca" },
            Torch("plain CNN (2 convs, no BN)", () => new PlainCnn(), trainData, testData, options, budget) with { Key = "plain-cnn" },
            Torch("BN-CNN (5 convs 32-32-64-64-128)", () => new BnCnn(), trainData, testData, options, budget) with { Key = "bn-cnn" },
            MLNet($"ENAS ({EnasSpaceName(options)})", digits, trainIndices, null, ml => ml.Nas().Enas(WithBudget(EnasOptions(options), budget, options))) with { Key = "enas" },
            MLNet("DARTS (darts-cells, C 8, 3 cells of 3 nodes)", digits, trainIndices, null, ml => ml.Nas().Darts(WithBudget(DartsOptions(options), budget, options))) with { Key = "darts" },
            MLNet($"Random ({EnasSpaceName(options)})", digits, trainIndices, null, ml => ml.Nas().Random(WithBudget(RandomOptions(options), budget, options))) with { Key = "random" },
            MLNet($"SPOS ({EnasSpaceName(options)})", digits, trainIndices, null, ml => ml.Nas().Spos(WithBudget(SposOptions(options), budget, options))) with { Key = "spos" },
            MLNet("ProxylessNAS (mlp, 2 layers of 128)", digits, trainIndices, null, ml => ml.Nas().Proxyless(WithBudget(ProxylessOptions(options), budget, options))) with { Key = "proxyless" },
        ];
        var keys = options.Config?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Entry[] entries = keys is null ? all : all.Where(e => keys.Contains(e.Key)).ToArray();
        if (entries.Length == 0 || (keys is not null && entries.Length != keys.Length))
        {
            throw new ArgumentException($"--config takes a comma-separated list of {string.Join(", ", all.Select(e => e.Key))}; got '{options.Config}'.");
        }
        var results = entries.ToDictionary(e => e.Name, _ => new List<Result>());
        for (int seed = options.FirstSeed; seed < options.FirstSeed + options.Seeds; seed++)
        {
            foreach (var entry in entries)
            {
                var result = entry.Run(seed);
                results[entry.Name].Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  seed {seed}  {entry.Name,-44} accuracy {result.Accuracy:P2}  parameters {Count(result.Parameters),9}  {result.Seconds,7:F1} s  epochs {result.Epochs}  {result.Architecture}").TrimEnd());
            }
        }
        Console.WriteLine();
        Console.WriteLine($"| {"network",-44} | {"test accuracy",-17} | {"parameters",10} | {"wall time (s)",-15} | epochs (search / final) |");
        Console.WriteLine($"|{new string('-', 46)}|{new string('-', 19)}|{new string('-', 12)}|{new string('-', 17)}|{new string('-', 25)}|");
        foreach (var entry in entries)
        {
            var runs = results[entry.Name];
            string accuracy = Describe(runs.Select(r => 100 * r.Accuracy).ToList(), "F2") + " %";
            string epochs = string.Join(", ", runs.Select(r => r.Epochs).Where(e => e.Length > 0).Distinct());
            Console.WriteLine($"| {entry.Name,-44} | {accuracy,-17} | {Range(runs.Select(r => r.Parameters).ToList()),10} | {Describe(runs.Select(r => r.Seconds).ToList(), "F1"),-15} | {epochs,-23} |");
        }
    }

    private static T WithBudget<T>(T options, TimeSpan? budget, BenchmarkArguments arguments) where T : NasOptions
    {
        options.TimeBudget = budget;
        if (arguments.SearchShare is { } share)
        {
            options.SearchTimeFraction = share;
        }
        return options;
    }

    internal static SearchSpaceSpec EnasSpace(BenchmarkArguments options) =>
        SearchSpaces.EnasMacro(layers: options.Layers, filters: 16, growth: options.Growth, sharedReductions: options.SharedReductions);

    private static string EnasSpaceName(BenchmarkArguments options) =>
        $"enas-macro, {options.Layers} layers of 16" + (options.Growth == 1 ? "" : $", ×{options.Growth} at reductions");

    internal static readonly SearchSpaceSpec DartsSpace = SearchSpaces.DartsCells(channels: 8, layers: 3, nodes: 3);

    // The quick-start's search; the final training is the shared recipe. enas-macro cannot be deepened, only widened.
    internal static EnasOptions EnasOptions(BenchmarkArguments options)
    {
        var enas = new EnasOptions
        {
            SearchSpace = EnasSpace(options), ImageShape = (1, MnistDigits.Side, MnistDigits.Side), FinalWidthMultiplier = options.Recipe.Width,
            Search =
            {
                Epochs = options.SearchEpochs, ChildSteps = options.ChildSteps, ControllerSteps = 10, ControllerAggregate = 2, ExportSamples = 8, LearningRate = 0.05,
                BaselineFromFirstReward = options.BaselineFromFirstReward,
            },
            Device = options.Device, Threads = options.Threads,
        };
        options.Recipe.ApplyTo(enas.Final, options.Epochs);
        return enas;
    }

    // ENAS's space and weight steps, each on a uniformly drawn path; Random exports the best of 8 draws.
    internal static RandomOptions RandomOptions(BenchmarkArguments options)
    {
        var random = new RandomOptions
        {
            SearchSpace = EnasSpace(options), ImageShape = (1, MnistDigits.Side, MnistDigits.Side), FinalWidthMultiplier = options.Recipe.Width,
            Search = { Epochs = options.SearchEpochs, StepsPerEpoch = options.ChildSteps, ExportSamples = 8, LearningRate = 0.05 },
            Device = options.Device, Threads = options.Threads,
        };
        options.Recipe.ApplyTo(random.Final, options.Epochs);
        return random;
    }

    // As Random, then NNI's evolution scaled down to a population of 10 over 5 generations.
    internal static SposOptions SposOptions(BenchmarkArguments options)
    {
        var spos = new SposOptions
        {
            SearchSpace = EnasSpace(options), ImageShape = (1, MnistDigits.Side, MnistDigits.Side), FinalWidthMultiplier = options.Recipe.Width,
            Search =
            {
                Epochs = options.SearchEpochs, StepsPerEpoch = options.ChildSteps, LearningRate = 0.05,
                PopulationSize = 10, Generations = 5, ParentCount = 3, CrossoverCount = 5, MutationCount = 5, BatchNormBatches = 4,
            },
            Device = options.Device, Threads = options.Threads,
        };
        options.Recipe.ApplyTo(spos.Final, options.Epochs);
        return spos;
    }

    // ProxylessNAS searches LayerChoices only: the mlp space, its widths and activations.
    internal static ProxylessOptions ProxylessOptions(BenchmarkArguments options)
    {
        var proxyless = new ProxylessOptions
        {
            SearchSpace = SearchSpaces.Mlp(layers: 2, hidden: 128), ImageShape = (1, MnistDigits.Side, MnistDigits.Side),
            FinalWidthMultiplier = options.Recipe.Width, Search = { Epochs = options.SearchEpochs }, Device = options.Device, Threads = options.Threads,
        };
        options.Recipe.ApplyTo(proxyless.Final, options.Epochs);
        return proxyless;
    }

    internal static DartsOptions DartsOptions(BenchmarkArguments options) => DartsFamilyOptions<DartsOptions, DartsTrainerOptions>(options);

    /// <summary>DARTS, GDAS or PC-DARTS on <see cref="DartsSpace"/> with their own search defaults.</summary>
    internal static TOptions DartsFamilyOptions<TOptions, TSearch>(BenchmarkArguments options)
        where TOptions : NasOptions<TSearch>, new() where TSearch : OneShotTrainerOptions, new()
    {
        var search = new TOptions
        {
            SearchSpace = DartsSpace, ImageShape = (1, MnistDigits.Side, MnistDigits.Side),
            FinalWidthMultiplier = options.Recipe.Width, FinalDepthMultiplier = options.Recipe.Depth,
            Search = { Epochs = options.SearchEpochs }, Device = options.Device, Threads = options.Threads,
        };
        options.Recipe.ApplyTo(search.Final, options.Epochs);
        return search;
    }

    internal static Entry MLNet(string name, MnistDigits digits, int[] trainIndices, long? parameters, Func<MLContext, IEstimator<ITransformer>> trainer) =>
        new(name, seed =>
        {
            var mlContext = new MLContext(seed);
            // The width Fit chose (--final-width auto) and what it measured to choose it.
            mlContext.Log += (_, e) =>
            {
                if (e.Message.Contains("] Final width:", StringComparison.Ordinal))
                {
                    Console.WriteLine($"  seed {seed}  {e.Message[(e.Message.IndexOf("] ", StringComparison.Ordinal) + 2)..]}");
                }
            };
            var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(trainer(mlContext));
            var train = digits.ToDataView(mlContext, trainIndices);
            var clock = Stopwatch.StartNew();
            var model = pipeline.Fit(train);
            var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(digits.TestData(mlContext)));
            double seconds = clock.Elapsed.TotalSeconds;
            var nas = ((IEnumerable<ITransformer>)model).OfType<NasTransformer>().SingleOrDefault();
            string epochs = nas is null ? "" : $"{nas.History.Search.Count} / {nas.History.Final.Count}";
            // The final spec shows the width trained, which Fit chooses under a budget with --final-width auto.
            string architecture = nas is null ? "" : $"{nas.Spec} " +
                string.Join(" ", nas.Architecture.ToJson().Split((char[])['\n', '\r'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            var result = new Result(metrics.MicroAccuracy, nas?.ParameterCount ?? parameters, seconds, epochs, architecture);
            nas?.Dispose();
            return result;
        });

    private static Entry Torch(string name, Func<nn.Module<Tensor, Tensor>> create, TensorDataset train, TensorDataset test, BenchmarkArguments options, TimeSpan? budget) =>
        new(name, seed =>
        {
            random.manual_seed(seed);
            using var model = create();
            // The budget's plans, so a run shows what the hand-designed network's time bought.
            var final = new FixedArchitectureTrainerOptions
            {
                TrainData = train, Device = options.Device, Threads = options.Threads, Seed = seed,
                Log = line => { if (line.StartsWith("Time budget", StringComparison.Ordinal)) { Console.WriteLine($"    {name}: {line}"); } },
            };
            options.Recipe.ApplyTo(final, options.Epochs, budget);
            var clock = Stopwatch.StartNew();
            using var trainer = new FixedArchitectureTrainer(model, new Architecture([]), final);
            trainer.Train();
            double accuracy = trainer.Evaluate(test).Metric;
            return new Result(accuracy, model.parameters().Sum(p => p.numel()), clock.Elapsed.TotalSeconds, trainer.History.Count.ToString(CultureInfo.InvariantCulture));
        });

    internal static TensorDataset Tensors(MnistDigits digits, int[] indices, Device device) =>
        TensorDataset.FromArrays(digits.GetFeatures(indices), [1, MnistDigits.Side, MnistDigits.Side], digits.GetLabels(indices), device, MnistDigits.ClassCount);

    private static string Count(long? parameters) => parameters?.ToString("N0", CultureInfo.InvariantCulture) ?? "—";

    // Found networks differ from seed to seed.
    internal static string Range(IReadOnlyList<long?> counts) => counts.Distinct().Count() == 1 ? Count(counts[0]) : $"{Count(counts.Min())}–{Count(counts.Max())}";

    // Sample standard deviation; one run has none.
    internal static string Describe(IReadOnlyList<double> values, string format)
    {
        double mean = values.Average();
        if (values.Count < 2)
        {
            return mean.ToString(format, CultureInfo.InvariantCulture);
        }
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {sd.ToString(format, CultureInfo.InvariantCulture)}";
    }
}
