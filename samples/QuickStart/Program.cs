using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using QuickStart;

// The main job: an ENAS search on the embedded MNIST digits (8,000 train / 2,000 test) through mlContext.Nas(), then
// Evaluate, Save, Load in a fresh MLContext and a prediction from the loaded model; then the network as ONNX (scored
// by ONNX Runtime), a picture of the found architecture and the search report, written beside the model.
//   dotnet run -c Release --project samples/QuickStart -- [options]     (--help lists them)
QuickStartOptions options;
try
{
    options = QuickStartOptions.Parse(args);
}
catch (Exception error) when (error is ArgumentException or FormatException)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

var total = Stopwatch.StartNew();
var mlContext = new MLContext(seed: options.Seed);
var digits = MnistDigits.Load();
var train = digits.ToDataView(mlContext, digits.TrainIndices[..Math.Min(options.TrainRows, MnistDigits.TrainCount)]);
var test = digits.TestData(mlContext);
var progress = new ConsoleProgressBar();
var enas = options.ToEnasOptions(progress);
Console.WriteLine($"ENAS on MNIST digits: {enas.SearchSpace}, " +
                  (options.Budget is { } budget
                      ? $"a time budget of {budget} ({options.SearchShare:P0} to the search; epochs of {options.ChildSteps} child steps), final training ("
                      : $"{options.SearchEpochs} search epochs × {options.ChildSteps} child steps, {options.FinalEpochs} final epochs (") +
                  $"width {(options.FinalWidth is { } width ? $"×{width}" : $"chosen for {options.FinalMinimumEpochs} epochs")}, depth ×{options.FinalDepth}, {options.Optimizer} {options.FinalLearningRate}, " +
                  $"warm-up {options.Warmup}, label smoothing {options.LabelSmoothing}, EMA {options.Ema}), " +
                  (options.MaxParameters is { } maxParameters ? $"at most {maxParameters:N0} parameters, " : "") +
                  (options.MaxLatency is { } maxLatency ? $"at most {maxLatency.TotalMilliseconds:0.###} ms per digit, " : "") + $"device {options.Device}");

var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
    .Append(mlContext.Nas().Enas(enas))
    .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
var fitClock = Stopwatch.StartNew();
var model = pipeline.Fit(train);
progress.Finish();
double fitSeconds = fitClock.Elapsed.TotalSeconds;
var nas = ((IEnumerable<ITransformer>)model).OfType<NasTransformer>().Single();

var evaluateClock = Stopwatch.StartNew();
var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(test));
double evaluateSeconds = evaluateClock.Elapsed.TotalSeconds;
double searchSeconds = nas.History.Search.Sum(e => e.Metrics["seconds"]);
double finalSeconds = nas.History.Final.Sum(e => e.Metrics["seconds"]);

// --model may name a folder that does not exist yet.
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.ModelPath))!);
mlContext.Model.Save(model, train.Schema, options.ModelPath);
var loadContext = new MLContext(seed: 2);
var loaded = loadContext.Model.Load(options.ModelPath, out _);
var engine = loadContext.Model.CreatePredictionEngine<MnistDigitRow, DigitPrediction>(loaded);
int sample = digits.TestIndices[0];
var prediction = engine.Predict(new MnistDigitRow { Features = digits.GetFeatures([sample]) });

foreach (var epoch in nas.History.Epochs)
{
    Console.WriteLine($"  {epoch.Phase} epoch {epoch.Epoch + 1}: loss {epoch.Metrics["loss"]:F4}, training accuracy {epoch.Metrics["accuracy"]:P2}, {epoch.Metrics["seconds"]:F1} s");
}
Console.WriteLine($"Found architecture ({nas.ParameterCount:N0} parameters, trained as {nas.Spec}):");
if (nas.History.Search[^1].Metrics.TryGetValue("predictedLatencyMs", out double predictedLatency)
    && nas.History.Final[^1].Metrics.TryGetValue("measuredLatencyMs", out double measuredLatency))
{
    Console.WriteLine($"Served network latency per digit on {options.Device}: predicted {predictedLatency:F3} ms, measured {measuredLatency:F3} ms");
}
Console.WriteLine(nas.Architecture.ToJson());
Console.WriteLine($"Test accuracy: {metrics.MicroAccuracy:P2} (macro {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}) on {MnistDigits.TestCount} digits");
Console.WriteLine($"Timings: search {searchSeconds:F1} s, final training {finalSeconds:F1} s, Fit {fitSeconds:F1} s, " +
                  $"Evaluate {evaluateSeconds:F2} s, total {total.Elapsed.TotalSeconds:F1} s");
Console.WriteLine($"Saved to {options.ModelPath} and loaded in a fresh MLContext: digit {digits.Labels[sample]} predicted as " +
                  $"{prediction.PredictedLabel} (p = {prediction.Score.Max():F3})");

// Beside the model: the network as ONNX, scored here by ONNX Runtime alone (no TorchSharp, no ML.NET), a picture of
// the found architecture and the search report, which opens in any browser.
string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.ModelPath))!, Path.GetFileNameWithoutExtension(options.ModelPath));
string onnxPath = stem + ".onnx";
nas.ExportOnnx(onnxPath);
double onnxAccuracy = OnnxScoring.Accuracy(onnxPath, digits);
Console.WriteLine($"ONNX model: {onnxPath} ({new FileInfo(onnxPath).Length / 1024.0:N0} KiB); ONNX Runtime test accuracy {onnxAccuracy:P2} on {MnistDigits.TestCount} digits");
string picture = stem + "-architecture.png", report = stem + "-report.html";
nas.DrawArchitecture(picture);
nas.WriteReport(report);
Console.WriteLine($"Architecture picture: {picture}");
Console.WriteLine($"Search report: {report}");
return 0;

/// <summary>What PredictionEngine returns for a digit.</summary>
internal sealed class DigitPrediction
{
    public uint PredictedLabel { get; set; }

    public float[] Score { get; set; } = [];
}
