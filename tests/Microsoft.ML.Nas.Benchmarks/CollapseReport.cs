using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Ops;
using Microsoft.ML.Nas.Strategies.Darts;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// DARTS's collapse and its guard: for each seed 1..<c>--seeds</c>, one DARTS search of the baselines' darts-cells space
/// four times as long as theirs (4 × <c>--search-epochs</c>), exported without and with the collapse guard
/// (<see cref="DifferentiableTrainerOptions.MaxParameterFreeOpsPerCell"/> = 2, P-DARTS's M). The guard acts only at
/// export, so both rows come from the same search, as two searches with the same seed would. Each export's skip
/// connections and parameter-free ops (over the cells' keys: the cells of a type share theirs) are counted, and it is
/// retrained with that seed and the shared recipe (<see cref="FinalRecipe"/>, <c>--epochs</c>) and scored on the test
/// split. One table, mean ± sd over the seeds.
/// </summary>
internal static class CollapseReport
{
    private const int LongSearch = 4;
    private const int Guard = 2;

    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var digits = MnistDigits.Load();
        int[] trainIndices = digits.TrainIndices[..Math.Min(options.TrainRows ?? MnistDigits.TrainCount, MnistDigits.TrainCount)].ToArray();
        int epochs = LongSearch * options.SearchEpochs;
        var space = BaselinesReport.DartsSpace;
        Console.WriteLine($"collapse: DARTS on {space}, {trainIndices.Length} train / {MnistDigits.TestCount} test digits, {epochs} search epochs " +
            $"({LongSearch} × {options.SearchEpochs}), exported without and with MaxParameterFreeOpsPerCell = {Guard}, {options.Epochs} final epochs, " +
            $"seeds 1..{options.Seeds}, {threads} torch threads, device {options.Device}");
        Console.WriteLine($"Final recipe: {options.Recipe}");
        var parameterFree = ParameterFreeCandidates(space);
        var rows = new[] { "DARTS", $"DARTS, guard {Guard}" }.ToDictionary(name => name, _ => new List<(int Skips, int ParameterFree, double Accuracy)>());
        for (int seed = 1; seed <= options.Seeds; seed++)
        {
            var (plain, guarded) = Search(space, digits, trainIndices, options, epochs, seed);
            foreach (var (name, architecture) in new[] { ("DARTS", plain), ($"DARTS, guard {Guard}", guarded) })
            {
                var chosen = architecture.Keys.Where(parameterFree.ContainsKey)
                    .SelectMany(key => architecture[key].Names.Select(op => (Key: key, Op: op))).ToList();
                int skips = chosen.Count(c => c.Op == DartsOps.SkipConnect);
                int free = chosen.Count(c => parameterFree[c.Key].Contains(c.Op));
                Console.WriteLine($"  seed {seed} {name}: {skips} skip connections, {free} parameter-free ops: {architecture.ToJson()}");
                double accuracy = SearchVersusRandomReport.Retrain(name, space, architecture, digits, trainIndices, options, [seed]).Single();
                rows[name].Add((skips, free, accuracy));
            }
        }
        Console.WriteLine();
        Console.WriteLine($"| DARTS export after {epochs} search epochs | skip connections | parameter-free ops | test accuracy |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, runs) in rows)
        {
            Console.WriteLine($"| {name} | {BaselinesReport.Describe(runs.Select(r => (double)r.Skips).ToList(), "F1")} | " +
                $"{BaselinesReport.Describe(runs.Select(r => (double)r.ParameterFree).ToList(), "F1")} | {BaselinesReport.Describe(runs.Select(r => r.Accuracy).ToList(), "F2")} % |");
        }
        Console.WriteLine();
        foreach (var (name, runs) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT collapse variant=\"{name}\" epochs={epochs} skips={runs.Average(r => r.Skips):F2} parameter_free={runs.Average(r => r.ParameterFree):F2} accuracy={runs.Average(r => r.Accuracy):F2} seeds={runs.Count}"));
        }
    }

    // One search; the guard only changes the export, which reads the option when it runs.
    private static (Architecture Plain, Architecture Guarded) Search(SearchSpaceSpec space, MnistDigits digits, int[] trainIndices, BenchmarkArguments options, int epochs, int seed)
    {
        var device = DeviceSelection.Resolve(options.Device);
        using var train = BaselinesReport.Tensors(digits, trainIndices, device);
        TorchRuntime.ManualSeed(seed);
        using var supernet = SearchSpaceRegistry.Build(space, new SpaceContext([1, MnistDigits.Side, MnistDigits.Side], MnistDigits.ClassCount));
        var search = BaselinesReport.DartsOptions(options).Search;
        search.TrainData = train;
        search.Epochs = epochs;
        search.Seed = seed;
        search.Device = options.Device;
        search.Threads = options.Threads;
        search.LogFrequency = 0;
        using var trainer = new DartsTrainer(supernet, search);
        trainer.Train();
        var plain = trainer.Export();
        search.MaxParameterFreeOpsPerCell = Guard;
        return (plain, trainer.Export());
    }

    /// <summary>Per LayerChoice key of <paramref name="space"/>, the names of its candidates without parameters.</summary>
    private static Dictionary<string, HashSet<string>> ParameterFreeCandidates(SearchSpaceSpec space)
    {
        using var supernet = SearchSpaceRegistry.Build(space, new SpaceContext([1, MnistDigits.Side, MnistDigits.Side], MnistDigits.ClassCount));
        var searchSpace = ModelSearchSpace.Of(supernet);
        return CollapseGuard.ParameterFree(searchSpace, Guard).Counts.ToDictionary(p => p.Key,
            p => Enumerable.Range(0, p.Value.Length).Where(i => p.Value[i]).Select(i => searchSpace[p.Key].CandidateNames[i]).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }
}
