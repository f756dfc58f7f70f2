using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Onnx;
using Microsoft.ML.Nas.Tests.MLNet;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Nas.Tests.Onnx;

/// <summary>A fitted NAS model exported with ExportOnnx scores like the NasTransformer through ML.NET's ApplyOnnxModel.</summary>
[TestClass]
public sealed class OnnxMLNetTests
{
    [TestMethod]
    public void ApplyOnnxModel_on_the_exported_file_gives_the_nas_transformers_scores_and_accuracy()
    {
        var mlContext = new MLContext(seed: 1);
        var (chain, model) = TrainedMlp.Fit(mlContext, trainRows: 600, epochs: 3);
        using var _ = model;
        var digits = MnistDigits.Load();
        var test = digits.ToDataView(mlContext, digits.TestIndices[..300]);
        string path = Path.Combine(Path.GetTempPath(), $"nas-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path, new OnnxExportOptions { Metadata = { ["origin"] = "the ML.NET test" } });

            // The README's snippet: the file scores without this library.
            var onnx = mlContext.Transforms.CopyColumns(OnnxExport.InputName, "Features")
                .Append(mlContext.Transforms.ApplyOnnxModel(path));
            var onnxScored = onnx.Fit(test).Transform(test);
            var nasScored = chain.Transform(test);
            AssertSameScores(nasScored, onnxScored);

            // Class i of the output is the label's key value i, as the metadata says.
            using var session = new InferenceSession(path);
            var metadata = session.ModelMetadata.CustomMetadataMap;
            var labels = JsonSerializer.Deserialize<string[]>(metadata[OnnxExport.LabelsMetadataKey])!;
            Assert.HasCount(MnistDigits.ClassCount, labels);
            Assert.AreEqual(model.Architecture.ToJson(), metadata[NasTransformer.OnnxArchitectureMetadataKey]);
            Assert.AreEqual(model.Spec.ToJson(), metadata[NasTransformer.OnnxSpaceMetadataKey]);
            Assert.AreEqual("Features", metadata[NasTransformer.OnnxFeaturesColumnMetadataKey]);
            Assert.AreEqual("the ML.NET test", metadata["origin"], "Metadata given in the options is written beside the model's own.");
            Assert.AreEqual(-1, session.InputMetadata[OnnxExport.InputName].Dimensions[0], "The batch dimension is dynamic.");
            Assert.AreEqual(MnistDigits.PixelsPerImage, session.InputMetadata[OnnxExport.InputName].Dimensions[1]);

            var truth = test.GetColumn<uint>("Label").ToArray();
            var predicted = onnxScored.GetColumn<long[]>(OnnxExport.PredictedIndexOutputName).Select(p => p.Single()).ToArray();
            double onnxAccuracy = truth.Zip(predicted, (t, p) => labels[p] == t.ToString(System.Globalization.CultureInfo.InvariantCulture)).Count(ok => ok) / (double)truth.Length;
            double nasAccuracy = mlContext.MulticlassClassification.Evaluate(nasScored).MicroAccuracy;
            Assert.AreEqual(nasAccuracy, onnxAccuracy, 1e-9, "ApplyOnnxModel classifies the test digits as the NasTransformer does.");
            Assert.IsGreaterThan(0.2, onnxAccuracy, $"the exported model should be above chance (10%); got {onnxAccuracy:P1}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ApplyOnnxModel_scores_an_image_space_model_from_the_flat_features_column()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var spec = SearchSpaces.EnasMacro(layers: 3, filters: 6);
        var image = (1, MnistDigits.Side, MnistDigits.Side);
        Microsoft.ML.Nas.Architectures.Architecture architecture;
        using (var supernet = SearchSpaceRegistry.Build(spec, new SpaceContext([1, MnistDigits.Side, MnistDigits.Side], MnistDigits.ClassCount)))
        using (var mutator = new RandomMutator(supernet, seed: 4))
        {
            architecture = mutator.Export();
        }
        var chain = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Nas().FixedArchitecture(new FixedArchitectureOptions
            {
                SearchSpace = spec, Architecture = architecture, ImageShape = image, Final = { Epochs = 1, BatchSize = 32 }, Device = "cpu", Seed = 4,
            }))
            .Fit(digits.ToDataView(mlContext, digits.TrainIndices[..128]));
        using var model = chain.LastTransformer;
        var test = digits.ToDataView(mlContext, digits.TestIndices[..128]);
        string path = Path.Combine(Path.GetTempPath(), $"nas-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path);
            var onnxScored = mlContext.Transforms.CopyColumns(OnnxExport.InputName, "Features")
                .Append(mlContext.Transforms.ApplyOnnxModel(path))
                .Fit(test).Transform(test);
            AssertSameScores(chain.Transform(test), onnxScored);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertSameScores(IDataView nasScored, IDataView onnxScored)
    {
        var nasScores = TrainedMlp.Scores(nasScored);
        var onnxScores = TrainedMlp.Scores(onnxScored, OnnxExport.ProbabilitiesOutputName);
        Assert.HasCount(nasScores.Length, onnxScores);
        double maxDifference = nasScores.Zip(onnxScores, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsLessThanOrEqualTo(OnnxCheck.Tolerance, maxDifference, $"ML.NET's ONNX scores differ from the NasTransformer's by {maxDifference}.");
        int classes = MnistDigits.ClassCount;
        for (int row = 0; row < nasScores.Length / classes; row++)
        {
            Assert.AreEqual(OnnxCheck.ArgMax(nasScores.AsSpan(row * classes, classes)), OnnxCheck.ArgMax(onnxScores.AsSpan(row * classes, classes)),
                $"row {row} is classified differently.");
        }
    }
}
