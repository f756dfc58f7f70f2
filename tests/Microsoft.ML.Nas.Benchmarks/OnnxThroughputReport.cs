using System.Diagnostics;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Onnx;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Rows per second on the CPU of the exported ONNX file in ONNX Runtime against the <see cref="NasTransformer"/>, for
/// the QuickStart's default network (ENAS macro, 4 layers, 16 filters; an architecture sampled at seed 1 stands in for
/// a found one: the speed depends on the ops, not on the weights), at batch 1 (a PredictionEngine, one
/// <c>InferenceSession.Run</c> per row) and batch 256 (Transform with a cursor, one Run per 256 rows).
/// </summary>
internal static class OnnxThroughputReport
{
    private const int SingleRows = 500;

    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var spec = SearchSpaces.EnasMacro(layers: 4, filters: 16);
        var fitted = TransformThroughputReport.FitSampledArchitecture(mlContext, digits, spec, options, device: "cpu");
        using var model = fitted.LastTransformer;
        string path = Path.Combine(Path.GetTempPath(), $"nas-onnx-benchmark-{Environment.ProcessId}.onnx");
        model.ExportOnnx(path);
        try
        {
            using var sessionOptions = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var session = new InferenceSession(path, sessionOptions);
            var test = digits.TestData(mlContext);
            float[] features = digits.GetFeatures(digits.TestIndices);
            int testRows = digits.TestIndices.Length;
            var engine = mlContext.Model.CreatePredictionEngine<MnistDigitRow, Prediction>(fitted);
            var rows = Enumerable.Range(0, SingleRows).Select(i => new MnistDigitRow { Features = features[(i * MnistDigits.PixelsPerImage)..((i + 1) * MnistDigits.PixelsPerImage)] }).ToArray();
            Console.WriteLine($"onnx throughput: {spec}, {model.ParameterCount:N0} parameters, {new FileInfo(path).Length / 1024.0:N0} KiB ONNX, " +
                              $"CPU, {threads} threads (machine may be loaded)");

            var rates = new Dictionary<string, List<double>>();
            void Measure(string name, int count, Action run)
            {
                var clock = Stopwatch.StartNew();
                run();
                (rates.TryGetValue(name, out var list) ? list : rates[name] = []).Add(count / clock.Elapsed.TotalSeconds);
            }
            for (int round = 0; round <= options.Rounds; round++)
            {
                // Round 0 warms every path up and is not counted.
                Measure("NasTransformer, batch 1 (PredictionEngine)", SingleRows, () => Array.ForEach(rows, row => engine.Predict(row)));
                Measure("ONNX Runtime, batch 1", SingleRows, () => OnnxRuns(session, features, SingleRows, batch: 1));
                Measure($"NasTransformer, batch {NasTransformer.ScoringBatchSize} (Transform)", testRows, () => TransformThroughputReport.ReadScores(model.Transform(test)));
                Measure($"ONNX Runtime, batch {NasTransformer.ScoringBatchSize}", testRows,
                    () => OnnxRuns(session, features, testRows, NasTransformer.ScoringBatchSize));
                if (round == 0)
                {
                    rates.Clear();
                }
            }
            foreach (var (name, list) in rates)
            {
                Console.WriteLine($"  {name,-45} median {StepTimer.Median(list),10:N0} rows/s over {list.Count} rounds");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void OnnxRuns(InferenceSession session, float[] features, int rows, int batch)
    {
        float sum = 0;
        for (int start = 0; start < rows; start += batch)
        {
            int count = Math.Min(batch, rows - start);
            var input = new DenseTensor<float>(features.AsMemory(start * MnistDigits.PixelsPerImage, count * MnistDigits.PixelsPerImage), [count, MnistDigits.PixelsPerImage]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input)]);
            sum += results.First().AsTensor<float>()[0, 0];
        }
        GC.KeepAlive(sum);
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }
}
