using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;

// Tests that train networks share libtorch's thread pool and the machine's cores: run them one at a time.
[assembly: DoNotParallelize]

namespace Microsoft.ML.Nas.ImageFiles.Tests;

/// <summary>
/// A data set as users have one: PNG files in a folder per class. ML.NET's image transforms load, resize and extract
/// them, and NAS trains on what they give, with no shape or scale set by hand.
/// </summary>
[TestClass]
public sealed class ImageFolderTests
{
    private const int TrainImages = 1000, TestImages = 300;

    private static string folder = "";
    private static ImageRow[] train = [], test = [];

    [ClassInitialize]
    public static void WriteDigitsAsPngFiles(TestContext _)
    {
        folder = Path.Combine(Path.GetTempPath(), $"nas-image-folder-{Environment.ProcessId}");
        var digits = MnistDigits.Load();
        train = Write("train", digits, digits.TrainIndices[..TrainImages]);
        test = Write("test", digits, digits.TestIndices[..TestImages]);
    }

    [ClassCleanup]
    public static void DeleteThePngFiles()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void Enas_learns_from_png_files_through_LoadImages_ResizeImages_and_ExtractPixels_and_scores_the_same_after_Load()
    {
        var mlContext = new MLContext(seed: 1);
        // Resized to a non-square 24 × 20: ExtractPixels types its vector (3, 20, 24), which Fit reads as the image.
        var pipeline = ImagesToFeatures(mlContext, interleavePixelColors: false)
            .Append(mlContext.Nas().Enas(new EnasOptions
            {
                SearchSpace = SearchSpaces.EnasMacro(layers: 4, filters: 16),
                Search = { Epochs = 1, ChildSteps = 10, ControllerSteps = 2, ExportSamples = 2 },
                Final = { Epochs = 10, LearningRate = 0.1, WeightDecay = 1e-4 },
                Device = "cpu", Threads = 2, Seed = 1,
            }))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        var model = pipeline.Fit(mlContext.Data.LoadFromEnumerable(train));
        var testView = mlContext.Data.LoadFromEnumerable(test);
        var scored = model.Transform(testView);
        var metrics = mlContext.MulticlassClassification.Evaluate(scored);

        var nas = model.OfType<NasTransformer>().Single();
        CollectionAssert.AreEqual(new long[] { 3, 20, 24 }, nas.SampleShape.ToArray());
        // 10 epochs of 1,000 digits, grey levels 0-255 as ExtractPixels gives them: 91-94 % for seeds 1-3 when written.
        Assert.IsGreaterThan(0.85, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy:P2} on {TestImages} test images");

        string modelPath = Path.Combine(folder, "model.zip");
        mlContext.Model.Save(model, null, modelPath);
        var loaded = new MLContext().Model.Load(modelPath, out _);
        CollectionAssert.AreEqual(Scores(mlContext, scored), Scores(mlContext, loaded.Transform(testView)));
    }

    [TestMethod]
    public void Interleaved_pixels_from_ExtractPixels_are_refused_naming_ImageShape()
    {
        var mlContext = new MLContext(seed: 1);
        var pipeline = ImagesToFeatures(mlContext, interleavePixelColors: true)
            .Append(mlContext.Nas().Enas(new EnasOptions { Device = "cpu", Threads = 2, Seed = 1 }));

        var error = Assert.Throws<ArgumentException>(() => pipeline.Fit(mlContext.Data.LoadFromEnumerable(train)));

        Assert.AreEqual("ImageShape", error.ParamName);
        StringAssert.Contains(error.Message, "interleaved");
    }

    /// <summary>The label as a key, and each row's PNG file loaded, resized to 24 × 20 and extracted as Features.</summary>
    private static IEstimator<ITransformer> ImagesToFeatures(MLContext mlContext, bool interleavePixelColors) =>
        mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.LoadImages("Image", folder, nameof(ImageRow.ImagePath)))
            .Append(mlContext.Transforms.ResizeImages("Image", imageWidth: 24, imageHeight: 20))
            .Append(mlContext.Transforms.ExtractPixels("Features", "Image", interleavePixelColors: interleavePixelColors));

    private static float[] Scores(MLContext mlContext, IDataView scored) =>
        mlContext.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: false).SelectMany(row => row.Score).ToArray();

    /// <summary>Writes each digit as a colour PNG under <c>part/label/</c>, as an image folder holds them.</summary>
    private static ImageRow[] Write(string part, MnistDigits digits, ReadOnlySpan<int> indices)
    {
        var rows = new ImageRow[indices.Length];
        var bgra = new byte[MnistDigits.PixelsPerImage * 4];
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            long label = digits.GetLabels([index])[0];
            float[] pixels = digits.GetFeatures([index]);
            for (int p = 0; p < pixels.Length; p++)
            {
                byte level = (byte)Math.Round(pixels[p] * 255);
                bgra[4 * p] = bgra[4 * p + 1] = bgra[4 * p + 2] = level;
                bgra[4 * p + 3] = 255;
            }
            string relative = Path.Combine(part, label.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{index}.png");
            string path = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var image = MLImage.CreateFromPixels(MnistDigits.Side, MnistDigits.Side, MLPixelFormat.Bgra32, bgra))
            {
                image.Save(path);
            }
            rows[i] = new ImageRow { ImagePath = relative, Label = label.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
        return rows;
    }

    public sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";

        public string Label { get; set; } = "";
    }

    public sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }
}
