using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>The ENAS and DARTS estimators in ML.NET pipelines: search, export, retrain, log, cancel, pick the device.</summary>
[TestClass]
public sealed class NasEstimatorTests
{
    private static EnasOptions TinyEnas() => new()
    {
        SearchSpace = SearchSpaces.Mlp(layers: 2, hidden: 32, widths: [16, 48]),
        Search = { Epochs = 1, BatchSize = 32, ChildSteps = 6, ControllerSteps = 2, ControllerAggregate = 1, ExportSamples = 2 },
        Final = { Epochs = 6, BatchSize = 32, LearningRate = 0.1 },
        Device = "cpu", Seed = 5,
    };

    [TestMethod]
    public void Enas_searches_the_mlp_space_on_plain_vectors_and_logs_epochs_on_the_MLContext()
    {
        var mlContext = new MLContext(seed: 1);
        var lines = new List<string>();
        mlContext.Log += (_, e) =>
        {
            lock (lines)
            {
                lines.Add(e.Message);
            }
        };
        var digits = MnistDigits.Load();
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(TinyEnas()));

        var fitted = pipeline.Fit(digits.ToDataView(mlContext, digits.TrainIndices[..400]));
        using var model = fitted.LastTransformer;

        Assert.AreEqual(SearchSpaces.MlpKind, model.Spec.Kind);
        CollectionAssert.AreEquivalent(new[] { "layer0", "layer1" }, model.Architecture.Keys.ToArray());
        Assert.AreEqual(1, model.History.Search.Count);
        Assert.AreEqual(6, model.History.Final.Count);
        Assert.IsTrue(model.History.Search[0].Metrics.ContainsKey("loss"));
        Assert.IsTrue(lines.Any(l => l.Contains("search epoch 1", StringComparison.Ordinal)), string.Join("\n", lines.TakeLast(20)));
        Assert.IsTrue(lines.Any(l => l.Contains("final epoch 6", StringComparison.Ordinal)));
        var metrics = mlContext.MulticlassClassification.Evaluate(fitted.Transform(digits.ToDataView(mlContext, digits.TestIndices[..300])));
        Assert.IsTrue(metrics.MicroAccuracy > 0.6, $"accuracy {metrics.MicroAccuracy:P1} after a tiny search and six epochs");
    }

    [TestMethod]
    public void Same_seed_gives_the_same_architecture_and_scores_on_cpu()
    {
        var digits = MnistDigits.Load();
        float[] Run(out string architecture)
        {
            var mlContext = new MLContext(seed: 1);
            var fitted = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(TinyEnas()))
                .Fit(digits.ToDataView(mlContext, digits.TrainIndices[..300]));
            using var model = fitted.LastTransformer;
            architecture = model.Architecture.ToJson();
            return TrainedMlp.Scores(fitted.Transform(digits.ToDataView(mlContext, digits.TestIndices[..50])));
        }

        var first = Run(out string firstArchitecture);
        var second = Run(out string secondArchitecture);

        Assert.AreEqual(firstArchitecture, secondArchitecture);
        CollectionAssert.AreEqual(first, second);
    }

    [TestMethod]
    public void Darts_searches_tiny_cells_on_images_shaped_by_the_ImageShape_option()
    {
        var mlContext = new MLContext(seed: 2);
        var digits = MnistDigits.Load();
        var options = new DartsOptions
        {
            SearchSpace = SearchSpaces.DartsCells(channels: 4, layers: 2, nodes: 2, stemMultiplier: 1), ImageShape = (1, 28, 28),
            Search = { Epochs = 1, BatchSize = 32 }, Final = { Epochs = 1, BatchSize = 32 }, Device = "cpu", Seed = 3,
        };

        var fitted = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Darts(options))
            .Fit(digits.ToDataView(mlContext, digits.TrainIndices[..128]));
        using var model = fitted.LastTransformer;

        CollectionAssert.AreEqual(new long[] { 1, 28, 28 }, model.SampleShape.ToArray());
        Assert.AreEqual("darts-cells", model.Spec.Kind);
        Assert.IsTrue(model.History.Search[0].Metrics.Keys.Any(k => k.StartsWith("weight.", StringComparison.Ordinal)), "alpha weights are kept");
        Assert.AreEqual(64, TrainedMlp.Scores(fitted.Transform(digits.ToDataView(mlContext, digits.TestIndices[..64]))).Length / 10);
    }

    [TestMethod]
    public void Cancelling_the_MLContext_stops_the_search_between_batches()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var options = TinyEnas();
        int reports = 0;
        options.Search.Epochs = 5;
        options.Progress = new InlineProgress<NasProgress>(_ =>
        {
            if (++reports == 3)
            {
                // ML.NET keeps CancelExecution internal (AutoML calls it); the flag it sets is what the estimator checks.
                typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
                    .Invoke(mlContext, null);
            }
        });
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(options));

        Assert.ThrowsExactly<OperationCanceledException>(() => pipeline.Fit(digits.ToDataView(mlContext, digits.TrainIndices[..300])));
        Assert.IsTrue(reports < 10, $"the search stopped soon after the cancellation ({reports} progress reports)");
    }

    [TestMethod]
    public void Cancelling_the_options_token_stops_the_final_training()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        using var cancellation = new CancellationTokenSource();
        var options = TinyEnas();
        options.Final.Epochs = 50;
        options.CancellationToken = cancellation.Token;
        options.Progress = new InlineProgress<NasProgress>(p =>
        {
            if (p.Phase == NasSearchHistory.FinalPhase && p.Epoch == 1)
            {
                cancellation.Cancel();
            }
        });
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(options));

        Assert.ThrowsExactly<OperationCanceledException>(() => pipeline.Fit(digits.ToDataView(mlContext, digits.TrainIndices[..300])));
    }

    [TestMethod]
    public void A_cuda_device_option_runs_on_cuda_or_fails_naming_the_device()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var options = TinyEnas();
        options.Device = "cuda:0";
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(options));
        var data = digits.ToDataView(mlContext, digits.TrainIndices[..100]);

        if (TorchSharp.torch.cuda.is_available())
        {
            using var model = pipeline.Fit(data).LastTransformer;
            StringAssert.StartsWith(model.Device.ToLowerInvariant(), "cuda");
            return;
        }
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => pipeline.Fit(data));
        StringAssert.Contains(error.Message, "cuda:0");
    }

    [TestMethod]
    public void MLContext_GpuDeviceId_with_FallbackToCpu_runs_on_that_gpu_or_falls_back_to_the_cpu()
    {
        var mlContext = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
        var digits = MnistDigits.Load();
        var options = TinyEnas();
        options.Device = "auto";

        var fitted = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(options))
            .Fit(digits.ToDataView(mlContext, digits.TrainIndices[..100]));
        using var model = fitted.LastTransformer;

        string expected = TorchSharp.torch.cuda.is_available() ? "cuda" : "cpu";
        StringAssert.StartsWith(model.Device.ToLowerInvariant(), expected);
    }
}
