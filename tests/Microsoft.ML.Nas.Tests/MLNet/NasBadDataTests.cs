using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>Data that would train a silently wrong model (NaN pixels, no rows) stops Fit with a message about the data.</summary>
[TestClass]
public sealed class NasBadDataTests
{
    private static EnasOptions TinyEnas() => new()
    {
        SearchSpace = SearchSpaces.Mlp(layers: 1, hidden: 16, widths: [8, 16], activations: ["relu"]),
        Search = { Epochs = 1, BatchSize = 32, ChildSteps = 3, ControllerSteps = 1, ControllerAggregate = 1, ExportSamples = 1 },
        Final = { Epochs = 1, BatchSize = 32 },
        Device = "cpu", Seed = 1,
    };

    private static IEstimator<ITransformer> Pipeline(MLContext mlContext, EnasOptions options) =>
        mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(options));

    [TestMethod]
    public void NaN_and_infinite_pixels_stop_Fit_naming_the_column_the_first_bad_row_and_the_count()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = DigitViews.Rows(200);
        rows[17].Features[5] = float.NaN;
        rows[40].Features[300] = float.NaN;
        rows[40].Features[301] = float.NaN;
        rows[90].Features[0] = float.PositiveInfinity;

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Pipeline(mlContext, TinyEnas()).Fit(DigitViews.View(mlContext, rows)));

        StringAssert.Contains(error.Message, "'Features'");
        StringAssert.Contains(error.Message, "training data");
        StringAssert.Contains(error.Message, "3 rows");
        StringAssert.Contains(error.Message, "row 17");
    }

    [TestMethod]
    public void A_NaN_pixel_in_the_validation_data_stops_Fit_naming_the_validation_data()
    {
        var mlContext = new MLContext(seed: 1);
        var validation = DigitViews.Rows(60);
        validation[3].Features[100] = float.NegativeInfinity;
        var options = TinyEnas();
        options.ValidationData = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Fit(DigitViews.View(mlContext, DigitViews.Rows(200))).Transform(DigitViews.View(mlContext, validation));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Pipeline(mlContext, options).Fit(DigitViews.View(mlContext, DigitViews.Rows(200))));

        StringAssert.Contains(error.Message, "validation data");
        StringAssert.Contains(error.Message, "1 row");
        StringAssert.Contains(error.Message, "row 3");
    }

    [TestMethod]
    public void An_empty_training_view_says_it_has_no_rows()
    {
        var mlContext = new MLContext(seed: 1);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Pipeline(mlContext, TinyEnas()).Fit(DigitViews.View(mlContext, [])));

        StringAssert.StartsWith(error.Message, "The training data has no rows");
    }

    [TestMethod]
    public void A_learning_rate_that_makes_the_weights_overflow_stops_Fit_instead_of_returning_a_NaN_model()
    {
        var mlContext = new MLContext(seed: 1);
        var options = TinyEnas();
        options.Search.LearningRate = 1e30;

        var error = Assert.Throws<InvalidOperationException>(() => Pipeline(mlContext, options).Fit(DigitViews.View(mlContext, DigitViews.Rows(200))));

        StringAssert.Contains(error.Message, "non-finite");
        StringAssert.Contains(error.Message, "'child'");
        StringAssert.Contains(error.Message, "epoch 1/1");
    }

    // What ML.NET's LoadImages throws when Microsoft.ML.Nas.Rendering's SkiaSharp 4 replaces the 2.88 it was built for.
    private const string SkiaMessage = "Method not found: 'System.ReadOnlySpan`1<Byte> SkiaSharp.SKBitmap.GetPixelSpan()'.";

    [TestMethod]
    public void A_SkiaSharp_member_missing_in_an_upstream_transform_says_which_packages_clash()
    {
        var pixels = new FailingPixels(new MissingMethodException(SkiaMessage)) { FailAtRow = 50 };

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => FitOnPixels(new MLContext(seed: 1), pixels));

        AssertExplained(error, "column 'Pixels' of the training data");
        StringAssert.Contains(error.Message, ".svg");
    }

    [TestMethod]
    public void Scoring_through_Transform_and_a_PredictionEngine_explains_the_same_clash()
    {
        var mlContext = new MLContext(seed: 1);
        var pixels = new FailingPixels(new MissingMethodException(SkiaMessage));
        var model = FitOnPixels(mlContext, pixels);
        var rows = DigitViews.Rows(300);

        pixels.FailAtRow = 280;   // in the second scoring batch of 256
        var scored = model.Transform(DigitViews.View(mlContext, rows));
        var transformError = Assert.ThrowsExactly<InvalidOperationException>(
            () => mlContext.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: true).Count());
        AssertExplained(transformError, "column 'Pixels' of the data being scored");

        pixels.FailAtRow = 1;
        using var engine = mlContext.Model.CreatePredictionEngine<MnistDigitRow, ScoreRow>(model);
        var predictError = Assert.ThrowsExactly<InvalidOperationException>(() => engine.Predict(rows[0]));
        AssertExplained(predictError, "column 'Pixels' of the data being scored");
    }

    [TestMethod]
    public void Other_failures_of_an_upstream_transform_pass_through_unexplained()
    {
        const string otherMessage = "Method not found: 'Void Some.Other.Library.Decode()'.";
        var pixels = new FailingPixels(new MissingMethodException(otherMessage)) { FailAtRow = 50 };

        var error = Assert.Throws<Exception>(() => FitOnPixels(new MLContext(seed: 1), pixels));

        Assert.IsFalse(ModelZip.Chain(error).Any(e => e.Message.Contains("Microsoft.ML.Nas.Rendering", StringComparison.Ordinal)));
        Assert.IsTrue(ModelZip.Chain(error).Any(e => e is MissingMethodException && e.Message == otherMessage));
    }

    private static void AssertExplained(Exception error, string where)
    {
        StringAssert.Contains(error.Message, where);
        StringAssert.Contains(error.Message, SkiaMessage);
        StringAssert.Contains(error.Message, "Microsoft.ML.Nas.Rendering");
        Assert.IsTrue(ModelZip.Chain(error).Any(e => e is MissingMethodException && e.Message == SkiaMessage), "the original failure is kept as an inner exception");
    }

    /// <summary>Fits NAS on 200 digits in column Pixels, which <paramref name="pixels"/> fills.</summary>
    private static ITransformer FitOnPixels(MLContext mlContext, FailingPixels pixels)
    {
        var options = TinyEnas();
        options.FeatureColumnName = "Pixels";
        return pixels.Estimator(mlContext).Append(Pipeline(mlContext, options)).Fit(DigitViews.View(mlContext, DigitViews.Rows(200)));
    }

    /// <summary>A custom mapping that copies each digit's features to column Pixels and throws at row <see cref="FailAtRow"/> (counting from 1).</summary>
    private sealed class FailingPixels(Exception failure)
    {
        private int rowsMapped;
        private int failAtRow = int.MaxValue;

        /// <summary>The row, counted from now, at which the mapping throws; int.MaxValue (default) never.</summary>
        public int FailAtRow
        {
            get => failAtRow;
            set { failAtRow = value; rowsMapped = 0; }
        }

        public IEstimator<ITransformer> Estimator(MLContext mlContext) =>
            mlContext.Transforms.CustomMapping<MnistDigitRow, PixelsRow>((input, output) =>
            {
                if (Interlocked.Increment(ref rowsMapped) == failAtRow)
                {
                    throw failure;
                }
                output.Pixels = input.Features;
            }, contractName: null);
    }

    public sealed class PixelsRow
    {
        [VectorType(MnistDigits.PixelsPerImage)]
        public float[] Pixels { get; set; } = [];
    }

    public sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }
}
