using System.Globalization;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Ops;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Optimizers;
using Microsoft.ML.Nas.Strategies.Proxyless;
using Microsoft.ML.Nas.Strategies.Spos;
using TorchSharp;
using TorchSharp.Modules;
using TensorDataset = Microsoft.ML.Nas.Data.TensorDataset;
using static System.FormattableString;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// One configuration of the SPOS and ProxylessNAS step benchmarks (pytorch/spos.py and pytorch/proxyless.py build the
/// same networks). SPOS trains the search's supernet, <c>enas-macro</c> with 16 filters: 4 layers on the digits (the
/// search's), 6 on CIFAR-shaped noise (the ENAS benchmark's macro-cifar). ProxylessNAS searches LayerChoices only:
/// the search's <c>mlp</c> (2 layers of 128) on the digits, and on CIFAR-shaped noise a chain of 6 six-way choices
/// among the enas-macro ops (<see cref="MacroChainNetwork"/>), the macro space without its skip connections.
/// </summary>
internal sealed record SinglePathBenchmarkConfig(string Strategy, string Name, string Network, int Layers, long[] SampleShape, bool Digits, int BatchSize)
{
    public static IReadOnlyList<SinglePathBenchmarkConfig> All { get; } =
    [
        new("spos", "macro-mnist", "enas-macro", 4, [1, 28, 28], Digits: true, BatchSize: 64),
        new("spos", "macro-cifar", "enas-macro", 6, [3, 32, 32], Digits: false, BatchSize: 32),
        new("proxyless", "mlp-mnist", "mlp", 2, [1, 28, 28], Digits: true, BatchSize: 64),
        new("proxyless", "chain-cifar", "macro-chain", 6, [3, 32, 32], Digits: false, BatchSize: 32),
    ];

    /// <summary>The name in RESULT lines: the strategy, then the configuration (spos-macro-mnist).</summary>
    public string FullName => $"{Strategy}-{Name}";

    public static SinglePathBenchmarkConfig Find(string strategy, string? name)
    {
        var known = All.Where(c => c.Strategy == strategy).ToList();
        return name is null ? known[0] : known.FirstOrDefault(c => c.Name == name || c.FullName == name)
            ?? throw new ArgumentException($"Unknown {strategy} configuration '{name}'; known: {string.Join(", ", known.Select(c => c.Name))}.", nameof(name));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Network} {Layers} layers, {(Digits ? "digits" : "CIFAR-shaped noise")} [{string.Join("x", SampleShape)}], batch {BatchSize}");
}

/// <summary>
/// Step time and peak memory of SPOS supernet training and of ProxylessNAS search through the real strategies, each
/// step as the loop runs it, with NNI v1.9's trainer settings on both sides: SGD momentum 0.9 (Nesterov for
/// ProxylessNAS, as its example), weight decay 4e-5, label smoothing 0.1, no gradient clip (NNI clips neither), a
/// learning rate that does not change the time. A SPOS step draws a uniform path and steps the weights on it. A
/// ProxylessNAS step draws one path from the gates and steps the weights; every fifth step of a pass also runs the
/// architecture step (two paths, Adam 1e-3 on the path weights), as NNI schedules it after its warm-up. RESULT: SPOS's
/// median step; ProxylessNAS's medians of the weight-only steps (weight_ms) and of the steps with an architecture step
/// (with_arch_ms), and the mean step of a five-step cycle from them (step_ms).
/// </summary>
internal static class SinglePathStepBenchmark
{
    public static void Run(BenchmarkArguments options, string strategy)
    {
        var config = SinglePathBenchmarkConfig.Find(strategy, options.Config);
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        Console.WriteLine($"{config.FullName}: {config}, {options.Warmup} warm-up + {options.Steps} timed steps, {threads} threads, device {options.Device}, " +
            $"release freed memory {options.ReleaseFreedMemory} (slack {options.FreedMemorySlack})");
        using var session = new SinglePathStepSession(config, options.Device, threads, options.ReleaseFreedMemory, options.FreedMemorySlack);
        var updatesArchitecture = new List<bool>();
        var times = StepTimer.Measure(() =>
        {
            updatesArchitecture.Add(session.NextStepUpdatesArchitecture);
            session.Step();
        }, options.Warmup, options.Steps, session.Device);
        double peak = ProcessMemory.PeakResidentMiB();
        var timed = updatesArchitecture.Skip(options.Warmup).ToArray();
        var weightOnly = times.Where((_, i) => !timed[i]).ToArray();
        var withArchitecture = times.Where((_, i) => timed[i]).ToArray();
        string measures;
        if (strategy == "spos")
        {
            Console.WriteLine($"  step: {StepTimer.Describe(times)}");
            measures = Invariant($"step_ms={StepTimer.Median(times):F2}");
        }
        else
        {
            Console.WriteLine($"  weight step: {StepTimer.Describe(weightOnly)}");
            double weight = StepTimer.Median(weightOnly);
            measures = Invariant($"weight_ms={weight:F2}");
            if (withArchitecture.Length > 0)
            {
                Console.WriteLine($"  weight + architecture step: {StepTimer.Describe(withArchitecture)}");
                double both = StepTimer.Median(withArchitecture);
                int every = SinglePathStepSession.ArchitectureUpdateFrequency;
                measures = Invariant($"step_ms={((every - 1) * weight + both) / every:F2} {measures} with_arch_ms={both:F2}");
            }
        }
        Console.WriteLine($"  resident {ProcessMemory.ResidentMiB():F0} MiB after step {session.Steps}; peak {peak:F0} MiB; " +
            $"{session.Loop.Context.MemoryGuard?.Releases ?? 0} releases");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT csharp config={config.FullName} {measures} peak_rss_mib={peak:F0}"));
    }
}

/// <summary>A SPOS or ProxylessNAS search of one benchmark configuration, ready to run step after step as the loop runs them.</summary>
internal sealed class SinglePathStepSession : IDisposable
{
    /// <summary>Weight steps per architecture step (NNI's default).</summary>
    public const int ArchitectureUpdateFrequency = 5;

    private readonly SinglePathBenchmarkConfig config;
    private readonly TensorDataset data;
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly OneShotPhase phase;
    private int step;

    public SinglePathStepSession(SinglePathBenchmarkConfig config, string device, int threads, bool releaseFreedMemory, double freedMemorySlack)
    {
        this.config = config;
        random.manual_seed(0);
        Device = DeviceSelection.Resolve(device);
        data = BenchmarkImages.Create(config.Digits, config.SampleShape, config.BatchSize * 40, Device);
        var space = new SpaceContext(config.SampleShape, 10);
        model = config.Network switch
        {
            "enas-macro" => SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(layers: config.Layers, filters: 16, sharedReductions: true), space),   // as pytorch/spos.py builds it
            "mlp" => SearchSpaceRegistry.Build(SearchSpaces.Mlp(layers: config.Layers, hidden: 128), space),
            "macro-chain" => new MacroChainNetwork(config.Layers, 16, (int)config.SampleShape[0], 10),
            _ => throw new ArgumentException($"Unknown benchmark network '{config.Network}'.", nameof(config)),
        };
        OneShotTrainerOptions options = config.Strategy == "spos"
            ? new SposTrainerOptions()
            : new ProxylessTrainerOptions
            {
                WeightOptimizer = WeightOptimizerKind.SgdNesterov, ArchitectureUpdateFrequency = ArchitectureUpdateFrequency, WeightOnlyEpochs = 0,
            };
        options.TrainData = data;
        options.BatchSize = config.BatchSize;
        options.Epochs = 1;
        options.LearningRate = 0.05;
        options.Momentum = 0.9;
        options.WeightDecay = 4e-5;
        options.LabelSmoothing = 0.1;
        options.GradientClip = 0;
        options.Device = device;
        options.Threads = threads;
        options.LogFrequency = 0;
        options.ReleaseFreedMemory = releaseFreedMemory;
        options.FreedMemorySlack = freedMemorySlack;
        IOneShotStrategy strategy = options switch
        {
            SposTrainerOptions spos => new SposStrategy(spos),
            ProxylessTrainerOptions proxyless => new ProxylessStrategy(proxyless),
            _ => throw new InvalidOperationException(),
        };
        Loop = new OneShotTrainer(model, strategy, options);
        // SPOS's last epoch also plans its evolution; only the training phase is timed.
        phase = Loop.Strategy.PlanEpoch(0)[0];
        model.train();
    }

    public Device Device { get; }

    public OneShotTrainer Loop { get; }

    /// <summary>How many steps have run.</summary>
    public int Steps => step;

    /// <summary>Whether the next step also runs ProxylessNAS's architecture step (every fifth step of a pass).</summary>
    public bool NextStepUpdatesArchitecture => config.Strategy == "proxyless" && (step % phase.Steps + 1) % ArchitectureUpdateFrequency == 0;

    /// <summary>Runs the next step (a pass's steps cycle over the training batches).</summary>
    public void Step() => Loop.RunStep(phase, step++ % phase.Steps);

    public void Dispose()
    {
        Loop.Dispose();
        model.Dispose();
        data.Dispose();
    }
}

/// <summary>
/// The ProxylessNAS benchmark's CIFAR-sized network: the enas-macro space without its skip connections (ProxylessNAS,
/// as NNI's, searches LayerChoices only). A 3×3 conv-BN stem, then per layer a LayerChoice among the six enas-macro
/// ops and a batch norm, a factorized reduction after layers L/3 − 1 and 2L/3 − 1, global average pooling, a linear
/// classifier.
/// </summary>
internal sealed class MacroChainNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ConvBn stem;
    private readonly ModuleList<LayerChoice> choices;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> norms;
    private readonly ModuleList<FactorizedReduce> reductions;
    private readonly int[] reductionAfter;
    private readonly nn.Module<Tensor, Tensor> classifier;

    public MacroChainNetwork(int layers, int filters, int inputChannels, int classes)
        : base(nameof(MacroChainNetwork))
    {
        stem = new ConvBn(inputChannels, filters);
        choices = new ModuleList<LayerChoice>(Enumerable.Range(0, layers).Select(i => new LayerChoice(
            EnasOps.MacroNames.Select(name => KeyValuePair.Create(name, EnasOps.CreateMacro(name, filters, filters))), key: $"layer_{i}_op")).ToArray());
        norms = new ModuleList<nn.Module<Tensor, Tensor>>(Enumerable.Range(0, layers).Select(_ => nn.BatchNorm2d(filters, affine: false)).ToArray());
        int distance = layers / 3;
        reductionAfter = distance > 0 ? [distance - 1, 2 * distance - 1] : [];
        reductions = new ModuleList<FactorizedReduce>(reductionAfter.Select(_ => new FactorizedReduce(filters, filters, affine: false, relu: false)).ToArray());
        classifier = nn.Linear(filters, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        using var channelsLastInput = ChannelsLast.ConvertOnCpu(input);
        var current = stem.call(channelsLastInput ?? input);
        for (int i = 0; i < choices.Count; i++)
        {
            var next = norms[i].call(choices[i].call(current));
            current.Dispose();
            current = next;
            int reduction = Array.IndexOf(reductionAfter, i);
            if (reduction >= 0)
            {
                next = reductions[reduction].call(current);
                current.Dispose();
                current = next;
            }
        }
        return classifier.call(nn.functional.adaptive_avg_pool2d(current, 1).flatten(1)).MoveToOuterDisposeScope();
    }
}
