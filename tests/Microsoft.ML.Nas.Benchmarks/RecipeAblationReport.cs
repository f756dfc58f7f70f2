using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Optimizers;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// What each part of the final-training recipe earns (issue 13): architectures are retrained with the recipe given on the
/// command line (by default the main job's) and with that recipe changed in one part at a time, each with seeds
/// 1..<c>--seeds</c> and the same epochs, and scored on the test split. <c>--config enas</c> (default) retrains the
/// architecture ENAS finds (the baselines' search settings, seed 1) in enas-macro, whose networks have no drop-path or
/// auxiliary head; <c>--config darts</c> DARTS's in darts-cells, varying those two. <c>enas-random</c> and
/// <c>darts-random</c> retrain <c>--random N</c> architectures drawn uniformly from the space instead, so a recipe is
/// not judged on one architecture; <c>--architecture FILE</c> (with <c>enas</c> or <c>darts</c>) retrains the one in that
/// NNI-format JSON file, a run's exported architecture, say. <c>--variants a,b</c> runs only the named variants beside
/// the base recipe (<c>--variants base</c>: none). Each variant's difference to the base is paired (same architecture,
/// same seed) and reported with the sd of those differences, so a reader can tell a gain from noise.
/// </summary>
internal static class RecipeAblationReport
{
    public static void Run(BenchmarkArguments options)
    {
        var (darts, random) = (options.Config ?? "enas") switch
        {
            "enas" => (false, false),
            "darts" => (true, false),
            "enas-random" => (false, true),
            "darts-random" => (true, true),
            var other => throw new ArgumentException($"recipe --config takes enas, darts, enas-random or darts-random; got '{other}'."),
        };
        var digits = MnistDigits.Load();
        int[] trainIndices = digits.TrainIndices[..Math.Min(options.TrainRows ?? MnistDigits.TrainCount, MnistDigits.TrainCount)].ToArray();
        var recipe = options.Recipe;
        if (random && options.ArchitectureFile is not null)
        {
            throw new ArgumentException("recipe --architecture retrains one architecture: use --config enas or darts with it.");
        }
        string source = random ? $"{options.RandomArchitectures} random architectures"
            : options.ArchitectureFile is { } named ? $"the architecture in {named}" : "the found architecture";
        Console.WriteLine($"recipe: {(darts ? "darts-cells" : "enas-macro")}, {source}, {trainIndices.Length} train / {MnistDigits.TestCount} test digits, " +
            $"{options.Epochs} final epochs, {options.Seeds} seed(s), device {options.Device}");
        Console.WriteLine($"Base recipe: {recipe}");
        var space = darts ? BaselinesReport.DartsSpace : BaselinesReport.EnasSpace(options);
        List<Architecture> architectures;
        if (random)
        {
            architectures = SearchVersusRandomReport.RandomArchitectures(space, options.RandomArchitectures);
        }
        else if (options.ArchitectureFile is { } file)
        {
            architectures = [Architecture.Load(file)];
        }
        else
        {
            architectures = [SearchVersusRandomReport.Search(digits, trainIndices, ml => darts
                ? ml.Nas().Darts(BaselinesReport.DartsOptions(options))
                : ml.Nas().Enas(BaselinesReport.EnasOptions(options)))];
        }
        foreach (var architecture in architectures)
        {
            Console.WriteLine($"  architecture: {architecture.ToJson()}");
        }

        var variants = new List<(string Key, string Name, FinalRecipe Recipe, SearchSpaceSpec Space)>();
        if (darts)
        {
            variants.Add(("drop-path", "drop-path 0.1", recipe with { DropPath = 0.1 }, space));
            var auxiliary = SearchSpaces.DartsCells(channels: 8, layers: 3, nodes: 3, auxiliary: true);
            variants.Add(("auxiliary", "auxiliary head (weight 0.4)", recipe, auxiliary));
        }
        else
        {
            variants.Add(("no-label-smoothing", "no label smoothing", recipe with { LabelSmoothing = 0 }, space));
            variants.Add(("no-ema", "no weight average", recipe with { Ema = 0 }, space));
            variants.Add(("no-shift", "no shift", recipe with { Shift = 0 }, space));
            variants.Add(("cutout", "cutout 8", recipe with { Cutout = 8 }, space));
            variants.Add(("warmup", "warm-up 1 epoch", recipe with { Warmup = 1 }, space));
            variants.Add(("nesterov", "SGD with Nesterov", recipe with { Optimizer = WeightOptimizerKind.SgdNesterov }, space));
            variants.Add(("adamw", "AdamW lr 0.002 wd 0.05", recipe with { Optimizer = WeightOptimizerKind.AdamW, LearningRate = 0.002, WeightDecay = 0.05 }, space));
            variants.Add(("width", $"width ×{((recipe.Width ?? 1) == 1 ? 3 : 1)}", recipe with { Width = (recipe.Width ?? 1) == 1 ? 3 : 1 }, space));
        }
        if (options.Variants is { } keys)
        {
            var unknown = keys.Except(variants.Select(v => v.Key)).Where(k => k != "base").ToArray();
            if (unknown.Length > 0)
            {
                throw new ArgumentException($"recipe --variants: unknown '{string.Join(", ", unknown)}'; known: {string.Join(", ", variants.Select(v => v.Key))}.");
            }
            variants = variants.Where(v => keys.Contains(v.Key)).ToList();
        }
        variants.Insert(0, ("base", "base recipe", recipe, space));

        var rows = new List<(string Name, List<double> Accuracies)>();
        foreach (var (_, name, variant, variantSpace) in variants)
        {
            var accuracies = new List<double>();
            for (int a = 0; a < architectures.Count; a++)
            {
                string label = architectures.Count == 1 ? name : $"{name} #{a + 1}";
                accuracies.AddRange(SearchVersusRandomReport.Retrain(label, variantSpace, architectures[a], digits, trainIndices, options with { Recipe = variant }));
            }
            rows.Add((name, accuracies));
        }
        var baseRuns = rows[0].Accuracies;
        Console.WriteLine();
        Console.WriteLine($"| {"recipe",-34} | {"test accuracy",-16} | {"paired difference to base",-26} |");
        Console.WriteLine($"|{new string('-', 36)}|{new string('-', 18)}|{new string('-', 28)}|");
        foreach (var (name, accuracies) in rows)
        {
            var differences = accuracies.Zip(baseRuns, (a, b) => a - b).ToList();
            string paired = ReferenceEquals(accuracies, baseRuns) ? "" : BaselinesReport.Describe(differences, "F2");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name,-34} | {BaselinesReport.Describe(accuracies, "F2") + " %",-16} | {paired,-26} |"));
        }
    }
}
