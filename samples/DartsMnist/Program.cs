using System.Diagnostics;
using DartsMnist;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Visualization;
using TorchSharp;

// DARTS on the embedded MNIST digits, end to end: search the DARTS cell space, export the architecture as JSON, build a
// fresh network pruned to it, train it from scratch and report its test accuracy.
//   dotnet run -c Release --project samples/DartsMnist -- [options]      (--help lists them; defaults take a few minutes)
SampleOptions options;
try
{
    options = SampleOptions.Parse(args.Where(a => a != "--help").ToArray());
    if (args.Contains("--help"))
    {
        Console.WriteLine(SampleOptions.Usage);
        return 0;
    }
}
catch (Exception error) when (error is ArgumentException or FormatException)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

TorchRuntime.EnsureAvailable();
int threads = TorchRuntime.ConfigureThreads(options.Threads);
var device = DeviceSelection.Resolve(options.Device);
var digits = MnistDigits.Load();
var context = new SpaceContext([1, 28, 28], 10);
using var searchData = Digits(digits, digits.TrainIndices[..Math.Min(options.SearchDigits, MnistDigits.TrainCount)]);
using var finalData = Digits(digits, digits.TrainIndices[..Math.Min(options.FinalDigits, MnistDigits.TrainCount)]);
using var testData = Digits(digits, digits.TestIndices);
var spec = SearchSpaces.DartsCells(options.Channels, options.Layers, options.Nodes);
Console.WriteLine($"DARTS ({(options.SecondOrder ? "second" : "first")} order) on {spec}; device {device}, {threads} threads");
Directory.CreateDirectory(options.Output);
var clock = Stopwatch.StartNew();

torch.random.manual_seed(options.Seed);
using var supernet = SearchSpaceRegistry.Build(spec, context);
using var search = new DartsTrainer(supernet, new DartsTrainerOptions
{
    TrainData = searchData, Epochs = options.SearchEpochs, BatchSize = options.BatchSize, Unrolled = options.SecondOrder,
    Device = options.Device, Threads = threads, Seed = options.Seed, LogFrequency = 0,
    CheckpointDirectory = Path.Combine(options.Output, "search-checkpoint"), Progress = new ConsoleProgress("search"),
});
search.Train();
string architecturePath = Path.Combine(options.Output, "architecture.json");
var architecture = search.Export(architecturePath);
Console.WriteLine($"Search took {clock.Elapsed.TotalSeconds:F0} s; architecture written to {architecturePath}:");
Console.WriteLine(architecture.ToJson());

var retrainClock = Stopwatch.StartNew();
torch.random.manual_seed(options.Seed);
using var final = FixedArchitecture.Build(spec, context, architecture);
Console.WriteLine($"Final network: {final.parameters().Sum(p => p.numel()):N0} parameters (the supernet had {supernet.parameters().Sum(p => p.numel()):N0})");
using var retrain = new FixedArchitectureTrainer(final, architecture, new FixedArchitectureTrainerOptions
{
    TrainData = finalData, Epochs = options.FinalEpochs, BatchSize = 64, LearningRate = 0.05, Device = options.Device, Threads = threads,
    Seed = options.Seed, LogFrequency = 0, CutoutLength = 8, DropPathProbability = 0.1, Progress = new ConsoleProgress("final"),
});
retrain.Train();
var test = retrain.Evaluate(testData);
Console.WriteLine($"Test accuracy {test.Metric:P2} on {test.Count} digits (final training {retrainClock.Elapsed.TotalSeconds:F0} s, total {clock.Elapsed.TotalSeconds:F0} s)");

// The cells as SVG and the search report need the library alone (PNG would need Microsoft.ML.Nas.Rendering).
string cellsPath = Path.Combine(options.Output, "cells.svg"), reportPath = Path.Combine(options.Output, "report.html");
ArchitectureDrawing.Draw(supernet, architecture, cellsPath);
SearchReport.Write(reportPath, search.Loop, architecture, retrain.Loop);
Console.WriteLine($"Cells drawn to {cellsPath}; search report: {reportPath}");
return 0;

TensorDataset Digits(MnistDigits source, ReadOnlySpan<int> indices) =>
    TensorDataset.FromArrays(source.GetFeatures(indices), [1, 28, 28], source.GetLabels(indices), device, 10);
