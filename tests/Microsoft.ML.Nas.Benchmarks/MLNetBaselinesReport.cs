using System.Diagnostics;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Test accuracy and wall time on the embedded split (8,000 train / 2,000 test) of the ENAS pipeline (the quick-start
/// configuration) next to ML.NET's LightGbm and SdcaMaximumEntropy multiclass trainers.
/// </summary>
internal static class MLNetBaselinesReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var train = digits.TrainData(mlContext);
        var test = digits.TestData(mlContext);
        Console.WriteLine($"MNIST digits {MnistDigits.TrainCount} train / {MnistDigits.TestCount} test, {threads} torch threads, device {options.Device} (machine may be loaded)");

        var key = mlContext.Transforms.Conversion.MapValueToKey("Label");
        Report("LightGbm (defaults)", train, test, mlContext,
            key.Append(mlContext.MulticlassClassification.Trainers.LightGbm()));
        Report("SdcaMaximumEntropy (NormalizeMinMax)", train, test, mlContext,
            key.Append(mlContext.Transforms.NormalizeMinMax("Features"))
               .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy()));
        Report($"ENAS {SearchSpaces.EnasMacro(layers: 4, filters: 16)}, {options.Epochs} final epochs", train, test, mlContext,
            key.Append(mlContext.Nas().Enas(new EnasOptions
            {
                SearchSpace = SearchSpaces.EnasMacro(layers: 4, filters: 16), ImageShape = (1, MnistDigits.Side, MnistDigits.Side),
                Search = { Epochs = 2, ChildSteps = 40, ControllerSteps = 10, ControllerAggregate = 2, ExportSamples = 8, LearningRate = 0.05 },
                Final = { Epochs = options.Epochs, LearningRate = 0.1, WeightDecay = 1e-4 },
                Device = options.Device, Threads = options.Threads,
            })));
    }

    private static void Report(string name, IDataView train, IDataView test, MLContext mlContext, IEstimator<ITransformer> pipeline)
    {
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(test));
        Console.WriteLine($"  {name,-62} accuracy {metrics.MicroAccuracy:P2}   fit {fitSeconds,6:F1} s   total {clock.Elapsed.TotalSeconds,6:F1} s");
        (model as IDisposable)?.Dispose();
    }
}
