using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Gdas;
using Microsoft.ML.Nas.Strategies.PcDarts;
using Microsoft.ML.Nas.Strategies.Pdarts;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Does the search earn its keep? For each strategy, the architecture it finds (the baselines' search settings) and
/// <c>--random N</c> architectures drawn uniformly from the same space (always the same N draws; <c>--random 0</c> for
/// none) are retrained with the same recipe and epochs
/// (<see cref="FinalRecipe"/>), each with seeds 1..<c>--seeds</c>, and scored on the test split. The found
/// architecture should beat the random ones' mean by more than their standard deviation (random architectures of a
/// good space are strong: Li &amp; Talwalkar 2019; Yang et al. 2020). <c>--config a,b</c> picks the strategies (enas,
/// darts, random, spos, gdas, pc-darts, pdarts, proxyless; default enas,darts). P-DARTS runs its default three stages of
/// <c>--search-epochs</c> each (3, 7 and 10 cells of the 3-cell space, on 7, 4 and 2 ops per edge).
/// </summary>
internal static class SearchVersusRandomReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var digits = MnistDigits.Load();
        int[] trainIndices = digits.TrainIndices[..Math.Min(options.TrainRows ?? MnistDigits.TrainCount, MnistDigits.TrainCount)].ToArray();
        Console.WriteLine($"search-vs-random: {trainIndices.Length} train / {MnistDigits.TestCount} test digits, {options.SearchEpochs} search epochs, " +
            $"{options.Epochs} final epochs, {options.RandomArchitectures} random architectures, {options.Seeds} retraining seed(s), {threads} torch threads, device {options.Device}");
        Console.WriteLine($"Final recipe: {options.Recipe}");
        var all = new (string Key, string Name, SearchSpaceSpec Space, Func<MLContext, IEstimator<ITransformer>> Search)[]
        {
            ("enas", "ENAS", BaselinesReport.EnasSpace(options), ml => ml.Nas().Enas(BaselinesReport.EnasOptions(options))),
            ("darts", "DARTS", BaselinesReport.DartsSpace, ml => ml.Nas().Darts(BaselinesReport.DartsOptions(options))),
            ("random", "Random", BaselinesReport.EnasSpace(options), ml => ml.Nas().Random(BaselinesReport.RandomOptions(options))),
            ("spos", "SPOS", BaselinesReport.EnasSpace(options), ml => ml.Nas().Spos(BaselinesReport.SposOptions(options))),
            ("gdas", "GDAS", BaselinesReport.DartsSpace, ml => ml.Nas().Gdas(BaselinesReport.DartsFamilyOptions<GdasOptions, GdasTrainerOptions>(options))),
            ("pc-darts", "PC-DARTS", BaselinesReport.DartsSpace, ml => ml.Nas().PcDarts(BaselinesReport.DartsFamilyOptions<PcDartsOptions, PcDartsTrainerOptions>(options))),
            ("pdarts", "P-DARTS", BaselinesReport.DartsSpace, ml => ml.Nas().Pdarts(BaselinesReport.DartsFamilyOptions<PdartsOptions, PdartsTrainerOptions>(options))),
            ("proxyless", "ProxylessNAS", SearchSpaces.Mlp(layers: 2, hidden: 128), ml => ml.Nas().Proxyless(BaselinesReport.ProxylessOptions(options))),
        };
        var keys = (options.Config ?? "enas,darts").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var strategies = all.Where(s => keys.Contains(s.Key)).ToArray();
        if (strategies.Length != keys.Length)
        {
            throw new ArgumentException($"search-vs-random --config takes a comma-separated list of {string.Join(", ", all.Select(s => s.Key))}; got '{options.Config}'.");
        }
        foreach (var (_, name, space, search) in strategies)
        {
            var found = Search(digits, trainIndices, search);
            Console.WriteLine($"  {name} found: {found.ToJson()}");
            var foundRuns = Retrain(name + " found", space, found, digits, trainIndices, options);
            var randomMeans = new List<double>();
            var draws = RandomArchitectures(space, options.RandomArchitectures);
            for (int r = 0; r < draws.Count; r++)
            {
                randomMeans.Add(Retrain($"{name} random {r + 1}", space, draws[r], digits, trainIndices, options).Average());
            }
            if (randomMeans.Count == 0)
            {
                // --random 0: the found architecture alone, to set beside random draws of an earlier run with the same recipe.
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT search-vs-random strategy={name} found={BaselinesReport.Describe(foundRuns, "F2")}"));
                continue;
            }
            double randomMean = randomMeans.Average();
            double randomSd = randomMeans.Count > 1 ? Math.Sqrt(randomMeans.Sum(v => (v - randomMean) * (v - randomMean)) / (randomMeans.Count - 1)) : double.NaN;
            double margin = (foundRuns.Average() - randomMean) / randomSd;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT search-vs-random strategy={name} found={BaselinesReport.Describe(foundRuns, "F2")} random={BaselinesReport.Describe(randomMeans, "F2")} " +
                $"found_minus_random_in_sd={margin:F2} beats_by_more_than_one_sd={margin > 1}"));
        }
    }

    internal static Architecture Search(MnistDigits digits, int[] trainIndices, Func<MLContext, IEstimator<ITransformer>> search)
    {
        var mlContext = new MLContext(seed: 1);
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(search(mlContext)).Fit(digits.ToDataView(mlContext, trainIndices));
        using var nas = model.LastTransformer as NasTransformer ?? throw new InvalidOperationException("The pipeline did not end with a NAS transformer.");
        return nas.Architecture;
    }

    /// <summary>The first <paramref name="count"/> uniform draws from the space, the same in every run and every report.</summary>
    internal static List<Architecture> RandomArchitectures(SearchSpaceSpec space, int count) =>
        Enumerable.Range(0, count).Select(r => RandomArchitecture(space, seed: 1_000 + r)).ToList();

    /// <summary>One uniform draw from the space: a random mutator's decisions on a freshly built supernet.</summary>
    private static Architecture RandomArchitecture(SearchSpaceSpec space, int seed)
    {
        using var supernet = SearchSpaceRegistry.Build(space, new SpaceContext([1, MnistDigits.Side, MnistDigits.Side], MnistDigits.ClassCount));
        using var mutator = new RandomMutator(supernet, seed);
        return mutator.Export();
    }

    /// <summary>Test accuracies (%) of <paramref name="architecture"/> retrained with each seed (1..<c>--seeds</c> unless <paramref name="seeds"/> names them).</summary>
    internal static List<double> Retrain(string name, SearchSpaceSpec space, Architecture architecture, MnistDigits digits, int[] trainIndices, BenchmarkArguments options,
        IEnumerable<int>? seeds = null)
    {
        var accuracies = new List<double>();
        foreach (int seed in seeds ?? Enumerable.Range(1, options.Seeds))
        {
            var fixedOptions = new FixedArchitectureOptions
            {
                SearchSpace = space, Architecture = architecture, ImageShape = (1, MnistDigits.Side, MnistDigits.Side),
                FinalWidthMultiplier = options.Recipe.Width, FinalDepthMultiplier = options.Recipe.Depth,
                Device = options.Device, Threads = options.Threads,
            };
            options.Recipe.ApplyTo(fixedOptions.Final, options.Epochs);
            var entry = BaselinesReport.MLNet(name, digits, trainIndices, null, ml => ml.Nas().FixedArchitecture(fixedOptions));
            var result = entry.Run(seed);
            accuracies.Add(100 * result.Accuracy);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  seed {seed} {name,-16} accuracy {accuracies[^1]:F2} %  parameters {result.Parameters:N0}  {result.Seconds:F1} s"));
        }
        return accuracies;
    }
}
