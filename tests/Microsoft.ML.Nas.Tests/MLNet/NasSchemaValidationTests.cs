using Microsoft.ML.Data;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.MLNet.Fitting;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>Bad inputs to Fit, GetOutputSchema and Transform fail before any training, naming the column and what was found.</summary>
[TestClass]
public sealed class NasSchemaValidationTests
{
    private static readonly MLContext MlContext = new(seed: 1);

    [TestMethod]
    public void Missing_features_column_is_named()
    {
        var data = MlContext.Data.LoadFromEnumerable(new[] { new KeyedRow { Label = 1, Pixels = new float[4] } });

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator().Fit(data));
        StringAssert.Contains(error.Message, "Features column 'Features' was not found");
    }

    [TestMethod]
    public void Scalar_features_are_rejected_with_the_type_found()
    {
        var data = MlContext.Data.LoadFromEnumerable(new[] { new ScalarRow { Label = 1, Features = 0.5f } });

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator().Fit(data));
        StringAssert.Contains(error.Message, "'Features' must be a known-size vector of Single; found a scalar Single");
    }

    [TestMethod]
    public void Variable_size_and_double_vectors_are_rejected()
    {
        var variable = MlContext.Data.LoadFromEnumerable(new[] { new VariableRow { Label = 1, Features = new float[3] } });
        var doubles = MlContext.Data.LoadFromEnumerable(new[] { new DoubleRow { Label = 1, Features = new double[4] } });

        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator().Fit(variable)).Message, "unknown size");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator().Fit(doubles)).Message, "Double");
    }

    [TestMethod]
    public void A_label_that_is_not_a_key_is_rejected_with_a_hint()
    {
        var data = MlContext.Data.LoadFromEnumerable(new[] { new RawLabelRow { Label = 3, Features = new float[4] } });

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator().Fit(data));
        StringAssert.Contains(error.Message, "Label column 'Label' must be a key type (e.g. from MapValueToKey); found a scalar UInt32");
    }

    [TestMethod]
    public void A_key_label_with_one_value_is_rejected()
    {
        var rows = new[] { new RawLabelRow { Label = 7, Features = new float[4] }, new RawLabelRow { Label = 7, Features = new float[4] } };
        var keyed = MlContext.Transforms.Conversion.MapValueToKey("Label").Fit(MlContext.Data.LoadFromEnumerable(rows))
            .Transform(MlContext.Data.LoadFromEnumerable(rows));

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator().Fit(keyed));
        StringAssert.Contains(error.Message, "at least 2 values; found a key of 1 value(s)");
    }

    [TestMethod]
    public void An_image_shape_that_does_not_hold_the_vector_is_rejected()
    {
        var data = MlContext.Data.LoadFromEnumerable(new[] { new KeyedFeatureRow { Label = 1, Features = new float[4] } });
        var estimator = MlContext.Nas().Enas(new EnasOptions { ImageShape = (1, 3, 3), Device = "cpu" });

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        StringAssert.Contains(error.Message, "ImageShape (1, 3, 3) holds 9 values, but features column 'Features' has vectors of 4");
    }

    [TestMethod]
    public void Interleaved_pixels_are_refused_unless_the_image_shape_says_otherwise()
    {
        // ML.NET's ExtractPixels with interleavePixelColors: true types its vector (height, width, colours).
        var interleaved = MlContext.Data.LoadFromEnumerable(new[] { new InterleavedRow { Label = 1, Features = new float[8 * 6 * 3] } });

        var error = Assert.ThrowsExactly<ArgumentException>(() => MlContext.Nas().Enas(new EnasOptions { Device = "cpu" }).Fit(interleaved));
        StringAssert.Contains(error.Message, "Features column 'Features' has dimensions (8, 6, 3), which look like interleaved pixels");
        Assert.AreEqual("ImageShape", error.ParamName);

        var vector = (VectorDataViewType)interleaved.Schema["Features"].Type;
        CollectionAssert.AreEqual(new long[] { 8, 6, 3 }, NasSampleShape.Of(vector, "Features", (8, 6, 3)));
        CollectionAssert.AreEqual(new long[] { 3, 8, 6 }, NasSampleShape.Of(
            new VectorDataViewType(NumberDataViewType.Single, 3, 8, 6), "Features", null), "planar pixels pass");
    }

    [TestMethod]
    public void GetOutputSchema_of_the_estimator_checks_columns_and_adds_score_and_predicted_label()
    {
        var bad = MlContext.Data.LoadFromEnumerable(new[] { new RawLabelRow { Label = 1, Features = new float[4] }, new RawLabelRow { Label = 2, Features = new float[4] } });
        var good = MlContext.Transforms.Conversion.MapValueToKey("Label").Fit(bad).Transform(bad);

        var shape = Estimator().GetOutputSchema(ShapeOf(good.Schema));

        var score = shape.Single(c => c.Name == "Score");
        var predicted = shape.Single(c => c.Name == "PredictedLabel");
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.AreEqual(NumberDataViewType.Single, score.ItemType);
        Assert.IsTrue(predicted.IsKey);
        Assert.IsTrue(predicted.Annotations.Any(a => a.Name == "KeyValues"), "PredictedLabel carries the label's key values");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator().GetOutputSchema(ShapeOf(bad.Schema)));
    }

    [TestMethod]
    public void Options_out_of_range_fail_when_the_estimator_is_made()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MlContext.Nas().Enas(new EnasOptions { Search = { ChildSteps = 0 } })).Message, "Search.ChildSteps");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MlContext.Nas().Darts(new DartsOptions { Final = { Epochs = 0 } })).Message, "Final.Epochs");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => MlContext.Nas().Darts(new DartsOptions { ScoreColumnName = "X", PredictedLabelColumnName = "X" })).Message, "must differ");
    }

    // ML.NET keeps SchemaShape.Create internal; its pipelines call it before GetOutputSchema, as this does.
    private static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, [typeof(DataViewSchema)])!
            .Invoke(null, [schema])!;

    private static NasEstimator Estimator() => MlContext.Nas().Enas(new EnasOptions { Device = "cpu" });

    private sealed class KeyedRow
    {
        [KeyType(3)]
        public uint Label { get; set; }

        [VectorType(4)]
        public float[] Pixels { get; set; } = [];
    }

    private sealed class InterleavedRow
    {
        [KeyType(3)]
        public uint Label { get; set; }

        [VectorType(8, 6, 3)]
        public float[] Features { get; set; } = [];
    }

    private sealed class KeyedFeatureRow
    {
        [KeyType(3)]
        public uint Label { get; set; }

        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }

    private sealed class ScalarRow
    {
        [KeyType(3)]
        public uint Label { get; set; }

        public float Features { get; set; }
    }

    private sealed class VariableRow
    {
        [KeyType(3)]
        public uint Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    private sealed class DoubleRow
    {
        [KeyType(3)]
        public uint Label { get; set; }

        [VectorType(4)]
        public double[] Features { get; set; } = [];
    }

    private sealed class RawLabelRow
    {
        public uint Label { get; set; }

        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }
}
