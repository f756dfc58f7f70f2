using System.Globalization;
using Microsoft.ML.Nas.MLNet.Fitting;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Strategies.Optimizers;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// One final-training recipe for every network of the <c>baselines</c> benchmark (hand-designed and found alike), so
/// that their accuracies compare the networks, not the training. Defaults are the quick-start's final training (the main
/// job's: SGD 0.1, shift 2, label smoothing 0.1, a weight average of decay 0.999), and, as there, the found networks'
/// width chosen by Fit under a time budget (1 without one); the README's commands name the width they ran.
/// </summary>
internal sealed record FinalRecipe
{
    public double LearningRate { get; init; } = 0.1;

    public double WeightDecay { get; init; } = 1e-4;

    public int Shift { get; init; } = 2;

    public int Cutout { get; init; }

    public double DropPath { get; init; }

    public double Warmup { get; init; }

    public double LabelSmoothing { get; init; } = 0.1;

    public WeightOptimizerKind Optimizer { get; init; } = WeightOptimizerKind.Sgd;

    public double Ema { get; init; } = 0.999;

    /// <summary>
    /// Width multiplier of the found networks' final training (the hand-designed ones have their own size); null
    /// (<c>--final-width auto</c>): Fit chooses it under a time budget, and it is 1 without one.
    /// </summary>
    public double? Width { get; init; }

    /// <summary>Depth multiplier of the found networks' final training, where the space allows it.</summary>
    public int Depth { get; init; } = 1;

    public const string Usage = "--lr X, --wd X, --shift N, --cutout N, --drop-path X, --lr-warmup X (epochs), --label-smoothing X, --optimizer sgd|nesterov|adamw, --ema X, --final-width X|auto, --final-depth N";

    /// <summary>The recipe with option <paramref name="name"/> applied, or null when the option is not a recipe option.</summary>
    public FinalRecipe? With(string name, Func<string> value)
    {
        double Real() => double.Parse(value(), CultureInfo.InvariantCulture);
        int Number() => int.Parse(value(), CultureInfo.InvariantCulture);
        return name switch
        {
            "--lr" => this with { LearningRate = Real() },
            "--wd" => this with { WeightDecay = Real() },
            "--shift" => this with { Shift = Number() },
            "--cutout" => this with { Cutout = Number() },
            "--drop-path" => this with { DropPath = Real() },
            "--lr-warmup" => this with { Warmup = Real() },
            "--label-smoothing" => this with { LabelSmoothing = Real() },
            "--optimizer" => this with { Optimizer = ParseOptimizer(value()) },
            "--ema" => this with { Ema = Real() },
            "--final-width" => this with { Width = ParseWidth(value()) },
            "--final-depth" => this with { Depth = Number() },
            _ => null,
        };
    }

    /// <summary>
    /// Sets the recipe on <paramref name="options"/> (an estimator's <c>Final</c>, or a plain trainer's options). A plain
    /// trainer given <paramref name="budget"/> trains for that long; an estimator's budget is its own (NasOptions.TimeBudget).
    /// </summary>
    public void ApplyTo(FixedArchitectureTrainerOptions options, int epochs, TimeSpan? budget = null)
    {
        options.Epochs = budget is null ? epochs : FitTimeBudget.MaxEpochs;
        options.TimeBudget = budget;
        options.BatchSize = 64;
        options.LearningRate = LearningRate;
        options.WeightDecay = WeightDecay;
        options.ShiftPixels = Shift;
        options.CutoutLength = Cutout;
        options.DropPathProbability = DropPath;
        options.WarmupEpochs = Warmup;
        options.LabelSmoothing = LabelSmoothing;
        options.WeightOptimizer = Optimizer;
        options.WeightAverageDecay = Ema;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Optimizer} lr {LearningRate} wd {WeightDecay}, shift {Shift}, cutout {Cutout}, drop-path {DropPath}, warm-up {Warmup}, label smoothing {LabelSmoothing}, EMA {Ema}; found networks ×{Width?.ToString(CultureInfo.InvariantCulture) ?? "auto"} wide, ×{Depth} deep");

    private static double? ParseWidth(string text) => text == "auto" ? null : double.Parse(text, CultureInfo.InvariantCulture);

    private static WeightOptimizerKind ParseOptimizer(string name) => name switch
    {
        "sgd" => WeightOptimizerKind.Sgd,
        "nesterov" => WeightOptimizerKind.SgdNesterov,
        "adamw" => WeightOptimizerKind.AdamW,
        _ => throw new ArgumentException($"--optimizer takes sgd, nesterov or adamw; got '{name}'."),
    };
}
