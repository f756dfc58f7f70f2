using System.Globalization;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Optimizers;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// What each part of the final-training recipe earns (issue 13): the architecture a strategy finds (the baselines'
/// search settings, seed 1) is retrained with the recipe given on the command line (by default the main job's) and with
/// that recipe changed in one part at a time, each with seeds 1..<c>--seeds</c> and the same epochs, and scored on the
/// test split. <c>--config enas</c> (default) searches enas-macro, whose networks have no drop-path or auxiliary head;
/// <c>--config darts</c> searches darts-cells and varies those two. Accuracy differences to the first row are reported
/// with the first row's seed-to-seed sd, so a reader can tell a gain from noise.
/// </summary>
internal static class RecipeAblationReport
{
    public static void Run(BenchmarkArguments options)
    {
        bool darts = (options.Config ?? "enas") switch
        {
            "enas" => false,
            "darts" => true,
            var other => throw new ArgumentException($"recipe --config takes enas or darts; got '{other}'."),
        };
        var digits = MnistDigits.Load();
        int[] trainIndices = digits.TrainIndices[..Math.Min(options.TrainRows ?? MnistDigits.TrainCount, MnistDigits.TrainCount)].ToArray();
        var recipe = options.Recipe;
        Console.WriteLine($"recipe: {(darts ? "DARTS" : "ENAS")}'s found architecture, {trainIndices.Length} train / {MnistDigits.TestCount} test digits, {options.Epochs} final epochs, " +
            $"{options.Seeds} seed(s), device {options.Device}");
        Console.WriteLine($"Base recipe: {recipe}");
        var space = darts ? BaselinesReport.DartsSpace : BaselinesReport.EnasSpace(options);
        var found = SearchVersusRandomReport.Search(digits, trainIndices, ml => darts
            ? ml.Nas().Darts(BaselinesReport.DartsOptions(options))
            : ml.Nas().Enas(BaselinesReport.EnasOptions(options)));
        Console.WriteLine($"  found: {found.ToJson()}");

        var variants = new List<(string Name, FinalRecipe Recipe, SearchSpaceSpec Space)> { ("base recipe", recipe, space) };
        if (darts)
        {
            variants.Add(("drop-path 0.1", recipe with { DropPath = 0.1 }, space));
            var auxiliary = SearchSpaces.DartsCells(channels: 8, layers: 3, nodes: 3, auxiliary: true);
            variants.Add(("auxiliary head (weight 0.4)", recipe, auxiliary));
        }
        else
        {
            variants.Add(("no label smoothing", recipe with { LabelSmoothing = 0 }, space));
            variants.Add(("no weight average", recipe with { Ema = 0 }, space));
            variants.Add(("no shift", recipe with { Shift = 0 }, space));
            variants.Add(("cutout 8", recipe with { Cutout = 8 }, space));
            variants.Add(("warm-up 1 epoch", recipe with { Warmup = 1 }, space));
            variants.Add(("SGD with Nesterov", recipe with { Optimizer = WeightOptimizerKind.SgdNesterov }, space));
            variants.Add(("AdamW lr 0.002 wd 0.05", recipe with { Optimizer = WeightOptimizerKind.AdamW, LearningRate = 0.002, WeightDecay = 0.05 }, space));
            variants.Add(($"width ×{(recipe.Width == 1 ? 3 : 1)}", recipe with { Width = recipe.Width == 1 ? 3 : 1 }, space));
        }

        var rows = new List<(string Name, List<double> Accuracies)>();
        foreach (var (name, variant, variantSpace) in variants)
        {
            var accuracies = SearchVersusRandomReport.Retrain(name, variantSpace, found, digits, trainIndices, options with { Recipe = variant });
            rows.Add((name, accuracies));
        }
        double baseMean = rows[0].Accuracies.Average();
        Console.WriteLine();
        Console.WriteLine($"| {"recipe",-28} | {"test accuracy",-16} | {"vs base",-8} |");
        Console.WriteLine($"|{new string('-', 30)}|{new string('-', 18)}|{new string('-', 10)}|");
        foreach (var (name, accuracies) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name,-28} | {BaselinesReport.Describe(accuracies, "F2") + " %",-16} | {accuracies.Average() - baseMean,8:+0.00;-0.00;0.00} |"));
        }
    }
}
