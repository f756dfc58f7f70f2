namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>Command-line options shared by the console benchmarks.</summary>
internal sealed record BenchmarkArguments(string Command, int Rounds, int Warmup, int Steps, int? Threads, string Device, string? Config = null, int Epochs = 12,
    bool ReleaseFreedMemory = true, double FreedMemorySlack = Runtime.NativeMemoryGuard.DefaultSlack)
{
    /// <summary>How many seeds a run uses: 1..Seeds (baselines: from <see cref="FirstSeed"/>, with mean ± sd over them).</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>Training rows of the embedded split to use; null for all 8,000.</summary>
    public int? TrainRows { get; init; }

    /// <summary>The time budget of each Fit or training in seconds (time-budget: 60 when not given; baselines: none, the epoch counts).</summary>
    public double? BudgetSeconds { get; init; }

    /// <summary>Architectures drawn at random from each space (search-vs-random).</summary>
    public int RandomArchitectures { get; init; } = 5;

    /// <summary>Search epochs of the NAS entries (baselines).</summary>
    public int SearchEpochs { get; init; } = 6;

    /// <summary>ENAS child steps per search epoch (baselines).</summary>
    public int ChildSteps { get; init; } = 150;

    /// <summary>The layers of the enas-macro space that the accuracy benchmarks search (4).</summary>
    public int Layers { get; init; } = 4;

    /// <summary>What enas-macro's reductions multiply the channels by in the ENAS, Random and SPOS entries (1: NNI's one channel count).</summary>
    public int Growth { get; init; } = 1;

    /// <summary>The enas-macro spaces of the accuracy benchmarks in NNI's layout, one factorized reduction shared by all earlier outputs.</summary>
    public bool SharedReductions { get; init; }

    /// <summary>The search's share of <see cref="BudgetSeconds"/> in a NAS Fit; null for <c>NasOptions.SearchTimeFraction</c>'s default.</summary>
    public double? SearchShare { get; init; }

    /// <summary>
    /// Whether the ENAS entries' controller baseline starts at its first reward (<c>EnasTrainerOptions.BaselineFromFirstReward</c>)
    /// instead of NNI's 0.
    /// </summary>
    public bool BaselineFromFirstReward { get; init; }

    /// <summary>The baselines report's first of <see cref="Seeds"/> consecutive seeds (1), so that a run can add seeds to an earlier one.</summary>
    public int FirstSeed { get; init; } = 1;

    /// <summary>The recipe report's variants to run beside its base recipe (their keys); null for all.</summary>
    public string[]? Variants { get; init; }

    /// <summary>The recipe report's architecture, an NNI-format JSON file, instead of a search's or random ones; null for none.</summary>
    public string? ArchitectureFile { get; init; }

    /// <summary>The final-training recipe shared by every network of the baselines benchmark.</summary>
    public FinalRecipe Recipe { get; init; } = new();

    public static BenchmarkArguments Parse(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "plain-cnn";
        int rounds = 5, warmup = 20, steps = 100;
        int? threads = null;
        string device = "cpu";
        string? config = null;
        int epochs = 12;
        bool releaseFreedMemory = true;
        double slack = Runtime.NativeMemoryGuard.DefaultSlack;
        int seeds = 1, searchEpochs = 6, childSteps = 150, randomArchitectures = 5;
        double? budgetSeconds = null;
        int? trainRows = null;
        int growth = 1, layers = 4;
        bool sharedReductions = false, baselineFromFirstReward = false;
        int firstSeed = 1;
        double? searchShare = null;
        string[]? variants = null;
        string? architectureFile = null;
        var recipe = new FinalRecipe();
        for (int i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(Value()); break;
                case "--warmup": warmup = int.Parse(Value()); break;
                case "--steps": steps = int.Parse(Value()); break;
                case "--threads": threads = int.Parse(Value()); break;
                case "--device": device = Value(); break;
                case "--config": config = Value(); break;
                case "--epochs": epochs = int.Parse(Value()); break;
                case "--keep-freed": releaseFreedMemory = false; break;
                case "--slack": slack = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--seeds": seeds = int.Parse(Value()); break;
                case "--train": trainRows = int.Parse(Value()); break;
                case "--search-epochs": searchEpochs = int.Parse(Value()); break;
                case "--child-steps": childSteps = int.Parse(Value()); break;
                case "--random": randomArchitectures = int.Parse(Value()); break;
                case "--budget": budgetSeconds = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--growth": growth = int.Parse(Value()); break;
                case "--layers": layers = int.Parse(Value()); break;
                case "--shared-reductions": sharedReductions = true; break;
                case "--baseline-from-first-reward": baselineFromFirstReward = true; break;
                case "--first-seed": firstSeed = int.Parse(Value()); break;
                case "--search-share": searchShare = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--variants": variants = Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries); break;
                case "--architecture": architectureFile = Value(); break;
                default:
                    recipe = recipe.With(args[i], Value) ?? throw new ArgumentException(
                        $"Unknown option '{args[i]}': expected --rounds, --warmup, --steps, --threads, --device, --config, --epochs, --keep-freed, --slack, " +
                        $"--seeds, --train, --search-epochs, --child-steps, --random, --budget, --first-seed, --layers, --growth, --shared-reductions, --baseline-from-first-reward, --search-share, --variants, --architecture or {FinalRecipe.Usage}.");
                    break;
            }
        }
        return new BenchmarkArguments(command, rounds, warmup, steps, threads, device, config, epochs, releaseFreedMemory, slack)
        {
            Seeds = seeds, TrainRows = trainRows, SearchEpochs = searchEpochs, ChildSteps = childSteps, Recipe = recipe, RandomArchitectures = randomArchitectures, BudgetSeconds = budgetSeconds,
            Growth = growth, Layers = layers, SharedReductions = sharedReductions, BaselineFromFirstReward = baselineFromFirstReward, FirstSeed = firstSeed, SearchShare = searchShare, Variants = variants, ArchitectureFile = architectureFile,
        };
    }
}
