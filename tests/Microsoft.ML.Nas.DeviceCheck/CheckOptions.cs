using System.Globalization;
using Microsoft.ML.Nas.Benchmarks;

namespace Microsoft.ML.Nas.DeviceCheck;

/// <summary>The options of the <c>check</c> verb (see Program.cs for the command line).</summary>
internal sealed record CheckOptions
{
    /// <summary>
    /// The benchmark configurations timed on each device (DartsBenchmarkConfig names, prefixed "gdas-" or "pc-darts-" for
    /// those strategies, and EnasBenchmarkConfig names).
    /// </summary>
    public IReadOnlyList<string> Darts { get; init; } = ["mnist-first", "mnist-second", "cifar-first", "cifar-second"];

    public IReadOnlyList<string> Enas { get; init; } = ["macro-mnist", "micro-mnist", "macro-cifar", "micro-cifar"];

    /// <summary>Untimed steps before the timed ones: DARTS and controller steps; ENAS child steps take three times as many.</summary>
    public int Warmup { get; init; } = 2;

    /// <summary>Timed steps: DARTS and controller steps; ENAS child steps take four times as many.</summary>
    public int Steps { get; init; } = 5;

    /// <summary>Training digits for each Fit; DARTS searches on half of them (the other half trains its alphas).</summary>
    public int FitRows { get; init; } = 1024;

    /// <summary>Search epochs and final-training epochs of each Fit.</summary>
    public int FitEpochs { get; init; } = 1;

    /// <summary>Test digits scored by the fitted model and by the model loaded in a fresh process.</summary>
    public int ScoreRows { get; init; } = 512;

    /// <summary>The largest difference allowed between a score on the Fit's device and on the CPU after loading.</summary>
    public double Tolerance { get; init; } = 1e-5;

    /// <summary>Fail when TorchSharp sees no CUDA device (the script's <c>run</c> mode on a GPU machine).</summary>
    public bool RequireCuda { get; init; }

    /// <summary>Fit smaller spaces than the estimators' defaults (DARTS: 4 channels, 2 layers, 2 nodes; ENAS macro: 4 layers of 16).</summary>
    public bool SmallSpaces { get; init; }

    /// <summary>Print the Fits' epoch lines (ML.NET's log of the NAS estimators).</summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// When set, a third Fit: the main job (samples/QuickStart's defaults: ENAS on all 8,000 training digits, scored on
    /// the 2,000 test digits) with this time budget on the device, saved, loaded on the CPU in a fresh process, compared.
    /// </summary>
    public TimeSpan? MainJobBudget { get; init; }

    /// <summary>libtorch's intra-op threads on the CPU; null for the library's default.</summary>
    public int? Threads { get; init; }

    public const string Usage =
        "usage: Microsoft.ML.Nas.DeviceCheck [check] [--require-cuda] [--quick] [--verbose] [--darts a,b|none] [--enas a,b|none] [--warmup N] [--steps N]\n" +
        "                                    [--fit-rows N] [--fit-epochs N] [--score-rows N] [--tolerance X] [--threads N]\n" +
        "                                    [--main-job T (a time budget: 300s, 5m, ...)]\n" +
        "       Microsoft.ML.Nas.DeviceCheck load <model.zip> <rows> <scores file>";

    /// <summary>
    /// The budget the cpu mode runs in CI: one configuration of each strategy, one timed step, and Fits of small spaces
    /// on 256 digits.
    /// </summary>
    public static CheckOptions Quick { get; } = new()
    {
        Darts = ["cifar-first"], Enas = ["macro-mnist"], Warmup = 1, Steps = 1, FitRows = 256, ScoreRows = 256, SmallSpaces = true,
    };

    public static CheckOptions Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--quick") ? Quick : new CheckOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
            int Count() => int.Parse(Value(), CultureInfo.InvariantCulture) is var n and >= 0 ? n : throw new ArgumentException($"{args[i - 1]} must be ≥ 0.");
            options = args[i] switch
            {
                "--quick" => options,
                "--require-cuda" => options with { RequireCuda = true },
                "--verbose" => options with { Verbose = true },
                "--darts" => options with { Darts = List(Value()) },
                "--enas" => options with { Enas = List(Value()) },
                "--warmup" => options with { Warmup = Count() },
                "--steps" => options with { Steps = Math.Max(1, Count()) },
                "--fit-rows" => options with { FitRows = Math.Max(64, Count()) },
                "--fit-epochs" => options with { FitEpochs = Math.Max(1, Count()) },
                "--score-rows" => options with { ScoreRows = Math.Max(1, Count()) },
                "--tolerance" => options with { Tolerance = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--threads" => options with { Threads = Math.Max(1, Count()) },
                "--main-job" => options with { MainJobBudget = QuickStart.QuickStartOptions.Parse(["--budget", Value()]).Budget },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }
        // Unknown names fail here, as usage errors, not after minutes of checking.
        _ = options.Darts.Select(DartsStepSession.Parse).ToList();
        _ = options.Enas.Select(EnasBenchmarkConfig.Find).ToList();
        return options;
    }

    private static string[] List(string value) =>
        value == "none" ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
