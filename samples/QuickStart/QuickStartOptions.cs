using System.Globalization;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Optimizers;

namespace QuickStart;

/// <summary>The sample's command line: sizes of the search and of the final training, its recipe, device and threads.</summary>
internal sealed class QuickStartOptions
{
    public int SearchEpochs { get; private set; } = 6;

    public int ChildSteps { get; private set; } = 150;

    public int FinalEpochs { get; private set; } = 12;

    public int Layers { get; private set; } = 4;

    public int Shift { get; private set; } = 2;

    public int Cutout { get; private set; }

    public int Filters { get; private set; } = 16;

    /// <summary>
    /// What each of enas-macro's two reductions multiplies the channels by, as the BN-CNN doubles them (README, "Two
    /// commands"): 2 with <c>--final-width 2</c> scored 99.50 ± 0.18 % where NNI's 1 with <c>--final-width 3</c> scored
    /// 99.33 ± 0.03 %.
    /// </summary>
    public int Growth { get; private set; } = 2;

    public int TrainRows { get; private set; } = Microsoft.ML.Nas.Datasets.MnistDigits.TrainCount;

    // The final training's recipe. The defaults are the measured 5-minute configuration (README, "Two commands"): the
    // final width chosen by Fit from the found network and the time left (null; on 2 cores it chose ×2, the earlier
    // fixed default, for seeds 1-4, ×3 for seeds 5-6, and ×4 under 30 minutes), label smoothing 0.1 and a moving average of the weights;
    // the rest is the library's.
    public double? FinalWidth { get; private set; }

    /// <summary>With <c>--final-width auto</c>: the epochs the width Fit chooses must still fit (the library's 20).</summary>
    public int FinalMinimumEpochs { get; private set; } = 20;

    public int FinalDepth { get; private set; } = 1;

    public double FinalLearningRate { get; private set; } = 0.1;

    public double FinalWeightDecay { get; private set; } = 1e-4;

    public double Warmup { get; private set; }

    public double LabelSmoothing { get; private set; } = 0.1;

    public WeightOptimizerKind Optimizer { get; private set; } = WeightOptimizerKind.Sgd;

    public double Ema { get; private set; } = 0.999;

    /// <summary>The most parameters the served network may have (the search exports within it); null for no budget.</summary>
    public long? MaxParameters { get; private set; }

    /// <summary>
    /// The longest forward of one digit the served network may take on the device (predicted by the latency table, then
    /// measured); null for no budget.
    /// </summary>
    public TimeSpan? MaxLatency { get; private set; }

    /// <summary>The whole Fit's time budget (5 minutes); null (<c>--budget off</c>) runs the epoch counts.</summary>
    public TimeSpan? Budget { get; private set; } = TimeSpan.FromMinutes(5);

    public double SearchShare { get; private set; } = 0.4;

    /// <summary>The MLContext's seed: the search's, the final training's and the data order's.</summary>
    public int Seed { get; private set; } = 1;

    public string Device { get; private set; } = "auto";

    public int? Threads { get; private set; }

    public string ModelPath { get; private set; } = Path.Combine(Path.GetTempPath(), "mnist-enas-model.zip");

    public const string Usage =
        "Options: --epochs N (search epochs), --child-steps N, --final-epochs N, --shift N (final training's random translation in pixels, 2), --cutout N (final training's cutout side, 0 = off), " +
        "--layers N, --filters N, --growth N (channels ×N at each reduction, 2), --train N (rows), " +
        "--final-width X|auto (final network's width multiplier; auto (default): under --budget, the widest of ×1 to ×4 whose timed steps fit --final-min-epochs, and ×1 with --budget off), --final-min-epochs N (20), --final-depth N (its depth multiplier, 1; not for enas-macro), " +
        "--final-lr X (0.1), --final-wd X (weight decay, 1e-4), --warmup X (warm-up epochs, 0), --label-smoothing X (0.1), " +
        "--optimizer sgd|nesterov|adamw (sgd), --ema X (weight average decay, 0.999; 0 = off), --max-params N (parameter budget of the served network, none), " +
        "--max-latency T (the served network's forward of one digit on the device, e.g. 0.8ms or 500us; none), " +
        "--budget T|off (the whole Fit's time, e.g. 300s, 5m (default) or 1.5h, while the epoch counts do not decide; off runs --epochs and --final-epochs), --search-share X (the search's share of it, 0.4), " +
        "--seed N (1), --device auto|cpu|cuda[:N], --threads N, --model PATH.";

    /// <summary>
    /// The main job's estimator options (also run on a GPU by tests/Microsoft.ML.Nas.DeviceCheck's <c>--main-job</c>,
    /// which compiles this file).
    /// </summary>
    public EnasOptions ToEnasOptions(IProgress<NasProgress>? progress) => new()
    {
        SearchSpace = SearchSpaces.EnasMacro(layers: Layers, filters: Filters, growth: Growth),
        ImageShape = (1, MnistDigits.Side, MnistDigits.Side),
        Search =
        {
            Epochs = SearchEpochs, ChildSteps = ChildSteps, ControllerSteps = 10, ControllerAggregate = 2, ExportSamples = 8,
            BatchSize = 64, LearningRate = 0.05, MaxParameters = MaxParameters, MaxLatency = MaxLatency,
        },
        Final =
        {
            Epochs = FinalEpochs, BatchSize = 64, LearningRate = FinalLearningRate, WeightDecay = FinalWeightDecay,
            ShiftPixels = Shift, CutoutLength = Cutout, WarmupEpochs = Warmup, LabelSmoothing = LabelSmoothing,
            WeightOptimizer = Optimizer, WeightAverageDecay = Ema,
        },
        FinalWidthMultiplier = FinalWidth, FinalMinimumEpochs = FinalMinimumEpochs, FinalDepthMultiplier = FinalDepth,
        TimeBudget = Budget, SearchTimeFraction = SearchShare,
        Device = Device, Threads = Threads, Progress = progress,
    };

    /// <exception cref="ArgumentException">An option is unknown or lacks its value.</exception>
    public static QuickStartOptions Parse(string[] args)
    {
        var options = new QuickStartOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {name} needs a value.");
            int Number() => int.Parse(Value(), CultureInfo.InvariantCulture);
            double Real() => double.Parse(Value(), CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--epochs": options.SearchEpochs = Number(); break;
                case "--child-steps": options.ChildSteps = Number(); break;
                case "--final-epochs": options.FinalEpochs = Number(); break;
                case "--layers": options.Layers = Number(); break;
                case "--shift": options.Shift = Number(); break;
                case "--cutout": options.Cutout = Number(); break;
                case "--filters": options.Filters = Number(); break;
                case "--growth": options.Growth = Number(); break;
                case "--train": options.TrainRows = Number(); break;
                case "--final-width": options.FinalWidth = Value() is "auto" ? null : double.Parse(args[i], CultureInfo.InvariantCulture); break;
                case "--final-min-epochs": options.FinalMinimumEpochs = Number(); break;
                case "--final-depth": options.FinalDepth = Number(); break;
                case "--final-lr": options.FinalLearningRate = Real(); break;
                case "--final-wd": options.FinalWeightDecay = Real(); break;
                case "--warmup": options.Warmup = Real(); break;
                case "--label-smoothing": options.LabelSmoothing = Real(); break;
                case "--optimizer": options.Optimizer = ParseOptimizer(Value()); break;
                case "--ema": options.Ema = Real(); break;
                case "--max-params": options.MaxParameters = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--max-latency": options.MaxLatency = ParseLatency(Value()); break;
                case "--budget":
                    string budget = Value();
                    options.Budget = budget == "off" ? null : ParseDuration(budget);
                    break;
                case "--search-share": options.SearchShare = Real(); break;
                case "--seed": options.Seed = Number(); break;
                case "--device": options.Device = Value(); break;
                case "--threads": options.Threads = Number(); break;
                case "--model": options.ModelPath = Value(); break;
                case "--help": throw new ArgumentException(Usage);
                default: throw new ArgumentException($"Unknown option '{name}'. {Usage}");
            }
        }
        return options;
    }

    private static TimeSpan ParseLatency(string text)
    {
        double Amount(int suffix) => double.Parse(text[..^suffix], CultureInfo.InvariantCulture);
        return text switch
        {
            _ when text.EndsWith("us", StringComparison.Ordinal) => TimeSpan.FromTicks((long)Math.Round(Amount(2) * TimeSpan.TicksPerMillisecond / 1000)),
            _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromTicks((long)Math.Round(Amount(2) * TimeSpan.TicksPerMillisecond)),
            _ => TimeSpan.FromTicks((long)Math.Round(Amount(0) * TimeSpan.TicksPerMillisecond)),
        };
    }

    private static TimeSpan ParseDuration(string text)
    {
        double Amount(int suffix) => double.Parse(text[..^suffix], CultureInfo.InvariantCulture);
        return text switch
        {
            _ when text.EndsWith('h') => TimeSpan.FromHours(Amount(1)),
            _ when text.EndsWith('m') => TimeSpan.FromMinutes(Amount(1)),
            _ when text.EndsWith('s') => TimeSpan.FromSeconds(Amount(1)),
            _ => TimeSpan.FromSeconds(Amount(0)),
        };
    }

    private static WeightOptimizerKind ParseOptimizer(string name) => name switch
    {
        "sgd" => WeightOptimizerKind.Sgd,
        "nesterov" => WeightOptimizerKind.SgdNesterov,
        "adamw" => WeightOptimizerKind.AdamW,
        _ => throw new ArgumentException($"--optimizer takes sgd, nesterov or adamw; got '{name}'."),
    };
}
