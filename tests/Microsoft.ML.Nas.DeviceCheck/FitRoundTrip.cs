using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;

namespace Microsoft.ML.Nas.DeviceCheck;

/// <summary>
/// <c>mlContext.Nas().Enas(...)</c> and <c>.Darts(...)</c> Fit on the embedded digits on one device for a short budget,
/// Save, then Load and score in a fresh process that sees no GPU (this program's <c>load</c> verb under
/// <c>CUDA_VISIBLE_DEVICES=-1</c>): a model trained on a GPU must load where there is none, and score as it did.
/// </summary>
internal static class FitRoundTrip
{
    public static void Run(string strategy, string device, CheckOptions options, string workFolder)
    {
        Console.WriteLine();
        var ml = new MLContext(seed: 1);
        if (options.Verbose)
        {
            ml.Log += (_, message) =>
            {
                if (message.Kind != Microsoft.ML.Runtime.ChannelMessageKind.Trace && message.Source.Contains("NAS", StringComparison.Ordinal))
                {
                    // ML.NET's text starts with "[Source=..., Kind=...] ".
                    string text = message.Message;
                    Console.WriteLine($"    [{DateTime.Now:HH:mm:ss.f}] {text[(text.IndexOf("] ", StringComparison.Ordinal) + 2)..]}");
                }
            };
        }
        var digits = MnistDigits.Load();
        bool mainJob = strategy == "main-job";
        // The main job trains on every training digit and is scored on every test digit, as ./build.sh run is.
        int rows = mainJob ? MnistDigits.TrainCount : Math.Min(options.FitRows, MnistDigits.TrainCount);
        int scoreRows = mainJob ? digits.TestIndices.Length : Math.Min(options.ScoreRows, digits.TestIndices.Length);
        var train = digits.ToDataView(ml, digits.TrainIndices[..rows]);
        var test = digits.ToDataView(ml, digits.TestIndices[..scoreRows]);
        IEstimator<ITransformer> nas = strategy switch
        {
            // The estimators' own image spaces (small ones in the quick budget). Drop-path draws on the device's
            // generator, shift and cutout move their draws to the device: the paths a GPU run takes.
            "enas" => ml.Nas().Enas(new EnasOptions
            {
                ImageShape = (1, MnistDigits.Side, MnistDigits.Side), SearchSpace = options.SmallSpaces ? SearchSpaces.EnasMacro(layers: 4, filters: 16) : null,
                Search = { Epochs = options.FitEpochs, ChildSteps = Math.Max(4, rows / 64), ControllerSteps = 2, ControllerAggregate = 2, ExportSamples = 2 },
                Final = { Epochs = options.FitEpochs, ShiftPixels = 2 },
                Device = device, Threads = options.Threads,
            }),
            "darts" => ml.Nas().Darts(new DartsOptions
            {
                ImageShape = (1, MnistDigits.Side, MnistDigits.Side), SearchSpace = options.SmallSpaces ? SearchSpaces.DartsCells(channels: 4, layers: 2, nodes: 2) : null,
                Search = { Epochs = options.FitEpochs },
                Final = { Epochs = options.FitEpochs, CutoutLength = 8, DropPathProbability = 0.2 },
                Device = device, Threads = options.Threads,
            }),
            "main-job" => ml.Nas().Enas(MainJob(device, options)),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "expected enas, darts or main-job"),
        };
        var clock = Stopwatch.StartNew();
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(nas).Fit(train);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        var transformer = ((IEnumerable<ITransformer>)model).OfType<NasTransformer>().Single();
        string expectedDevice = device == "cuda" ? "cuda" : "cpu";
        if (!transformer.Device.StartsWith(expectedDevice, StringComparison.Ordinal))
        {
            throw new DeviceCheckFailure($"{strategy} Fit on {device} produced a model on {transformer.Device}");
        }
        float[] scores;
        double accuracy;
        // IEEE float32 on both sides: on Ampere and later GPUs cuDNN convolutions default to TF32 (10-bit mantissa),
        // whose scores differ from the CPU's by far more than the tolerance; training above kept libtorch's default.
        using (new Tf32Off())
        {
            var scored = model.Transform(test);
            scores = scored.GetColumn<VBuffer<float>>("Score").SelectMany(v => v.DenseValues()).ToArray();
            accuracy = ml.MulticlassClassification.Evaluate(scored).MicroAccuracy;
        }
        string path = Path.Combine(workFolder, $"{strategy}-{expectedDevice}.zip");
        ml.Model.Save(model, train.Schema, path);
        var history = transformer.History;
        string budget = mainJob ? $" (a time budget of {options.MainJobBudget}: search {history.Search.Sum(e => e.Metrics["seconds"]):F0} s, final training {history.Final.Sum(e => e.Metrics["seconds"]):F0} s)" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{strategy} Fit on {transformer.Device}: {transformer.Spec}, {rows} digits, {history.Search.Count} search + {history.Final.Count} final epochs in {fitSeconds:F1} s{budget}; " +
            $"{transformer.ParameterCount:N0} parameters; accuracy {accuracy:P2} on {scoreRows} test digits; saved {new FileInfo(path).Length / 1024.0:F0} KiB"));

        string scoresFile = Path.ChangeExtension(path, ".scores");
        var (exitCode, output) = ChildProcess.Run(["load", path, scoreRows.ToString(CultureInfo.InvariantCulture), scoresFile]);
        Console.WriteLine($"  fresh process: {output.Trim().Replace("\n", "\n  fresh process: ", StringComparison.Ordinal)}");
        if (exitCode != 0)
        {
            throw new DeviceCheckFailure($"loading the {strategy} model in a fresh process on the CPU failed (exit code {exitCode}): {LastLine(output)}");
        }
        float[] loaded = ReadScores(scoresFile);
        if (loaded.Length != scores.Length)
        {
            throw new DeviceCheckFailure($"the {strategy} model loaded on the CPU gave {loaded.Length} scores, the fitted one {scores.Length}");
        }
        double largest = scores.Zip(loaded, (a, b) => (double)Math.Abs(a - b)).Max();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  scores on {transformer.Device} vs loaded on the CPU in a fresh process: largest difference {largest:E2} over {scores.Length} scores (tolerance {options.Tolerance:E0})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT fit strategy={strategy} device={transformer.Device} fit_s={fitSeconds:F1} accuracy={accuracy:F4} max_score_diff={largest:E2}"));
        if (!(largest <= options.Tolerance))
        {
            throw new DeviceCheckFailure(string.Create(CultureInfo.InvariantCulture,
                $"the {strategy} model's scores on {transformer.Device} and after loading on the CPU differ by up to {largest:E2} (tolerance {options.Tolerance:E0})"));
        }
    }

    /// <summary>./build.sh run's estimator options, on this device and with the check's budget and threads.</summary>
    private static EnasOptions MainJob(string device, CheckOptions options)
    {
        var enas = QuickStart.QuickStartOptions.Parse(["--device", device]).ToEnasOptions(progress: null);
        enas.TimeBudget = options.MainJobBudget;
        enas.Threads = options.Threads;
        return enas;
    }

    /// <summary>The <c>load</c> verb: loads a saved model with a fresh MLContext, scores test digits, writes the scores.</summary>
    public static int Load(string modelPath, int rows, string scoresFile)
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(modelPath, out _);
        var transformer = ((IEnumerable<ITransformer>)model).OfType<NasTransformer>().Single();
        Console.WriteLine($"pid {Environment.ProcessId}, CUDA available: {torch.cuda.is_available()}, model loaded on {transformer.Device}");
        if (transformer.Device != "cpu")
        {
            Console.WriteLine($"the model was loaded on {transformer.Device}, not on the CPU");
            return 1;
        }
        var digits = MnistDigits.Load();
        var scored = model.Transform(digits.ToDataView(ml, digits.TestIndices[..rows]));
        using var output = new BinaryWriter(File.Create(scoresFile));
        int count = 0;
        foreach (var scores in scored.GetColumn<VBuffer<float>>("Score"))
        {
            foreach (float value in scores.DenseValues())
            {
                output.Write(value);
                count++;
            }
        }
        Console.WriteLine($"scored {rows} digits ({count} scores)");
        return 0;
    }

    private static float[] ReadScores(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * sizeof(float));
        return values;
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";

    /// <summary>Turns TF32 off for cuDNN and cuBLAS until disposed (nothing to do without CUDA).</summary>
    private readonly struct Tf32Off : IDisposable
    {
        private readonly (bool Cudnn, bool Matmul)? previous;

        public Tf32Off()
        {
            if (torch.cuda.is_available())
            {
                previous = (torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32);
                torch.backends.cudnn.allow_tf32 = false;
                torch.backends.cuda.matmul.allow_tf32 = false;
            }
        }

        public void Dispose()
        {
            if (previous is { } flags)
            {
                torch.backends.cudnn.allow_tf32 = flags.Cudnn;
                torch.backends.cuda.matmul.allow_tf32 = flags.Matmul;
            }
        }
    }
}
