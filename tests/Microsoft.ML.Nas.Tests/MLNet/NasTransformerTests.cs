using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>A fitted NAS model in an ML.NET pipeline: schema, scores, Evaluate, PredictionEngine, what it exposes.</summary>
[TestClass]
public sealed class NasTransformerTests
{
    private static MLContext mlContext = null!;
    private static ITransformer pipeline = null!;
    private static NasTransformer model = null!;
    private static IDataView test = null!;

    [ClassInitialize]
    public static void FitOnce(TestContext _)
    {
        mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var estimator = TrainedMlp.Pipeline(mlContext, seed: 1, epochs: 8)
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        pipeline = estimator.Fit(digits.ToDataView(mlContext, digits.TrainIndices[..1000]));
        model = ((IEnumerable<ITransformer>)pipeline).OfType<NasTransformer>().Single();
        test = digits.ToDataView(mlContext, digits.TestIndices[..500]);
    }

    [ClassCleanup]
    public static void DisposeModel() => model?.Dispose();

    [TestMethod]
    public void Pipeline_of_MapValueToKey_Nas_and_MapKeyToValue_scores_digits_and_Evaluate_runs_on_its_output()
    {
        var scored = pipeline.Transform(test);
        var metrics = mlContext.MulticlassClassification.Evaluate(scored);

        Assert.IsTrue(metrics.MicroAccuracy > 0.75, $"an MLP trained on 1,000 digits should score well above chance; got {metrics.MicroAccuracy:P1}");
        var truth = test.GetColumn<uint>("Label").ToArray();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        Assert.AreEqual(500, predicted.Length);
        double agreement = truth.Zip(predicted).Count(p => p.First == p.Second) / 500.0;
        Assert.AreEqual(metrics.MicroAccuracy, agreement, 1e-9, "MapKeyToValue must give back the original digit values");
    }

    [TestMethod]
    public void Output_schema_has_probability_scores_and_a_predicted_key_with_the_label_values()
    {
        var schema = model.GetOutputSchema(mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(test).Transform(test).Schema);

        var score = schema["Score"];
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 10), score.Type);
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        score.GetSlotNames(ref slotNames);
        var predicted = schema["PredictedLabel"];
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 10), predicted.Type);
        VBuffer<uint> keyValues = default;
        predicted.GetKeyValues(ref keyValues);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).Select(i => (uint)i).ToArray(), keyValues.DenseValues().ToArray());
        CollectionAssert.AreEqual(keyValues.DenseValues().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            slotNames.DenseValues().Select(n => n.ToString()).ToArray(), "slot i of Score is the class of key i + 1");

        var sums = TrainedMlp.Scores(model.Transform(Keyed(test))).Chunk(10).Select(row => row.Sum()).ToArray();
        Assert.IsTrue(sums.All(s => Math.Abs(s - 1) < 1e-4), "each Score vector is a probability distribution");
    }

    [TestMethod]
    public void PredictionEngine_agrees_with_Transform()
    {
        var digits = MnistDigits.Load();
        var rows = digits.TestIndices[..40].ToArray().Select(i => new MnistDigitRow { Label = digits.Labels[i], Features = digits.GetFeatures([i]) }).ToArray();
        var batch = pipeline.Transform(mlContext.Data.LoadFromEnumerable(rows));
        var batchScores = TrainedMlp.Scores(batch).Chunk(10).ToArray();
        var batchLabels = batch.GetColumn<uint>("PredictedLabel").ToArray();
        var engine = mlContext.Model.CreatePredictionEngine<MnistDigitRow, DigitPrediction>(pipeline);

        for (int i = 0; i < rows.Length; i++)
        {
            var single = engine.Predict(rows[i]);
            Assert.AreEqual(batchLabels[i], single.PredictedLabel, $"row {i}");
            for (int c = 0; c < 10; c++)
            {
                // A batch of one may take a different matrix kernel than a batch of many: equal up to rounding.
                Assert.AreEqual(batchScores[i][c], single.Score[c], 1e-5f, $"row {i}, class {c}");
            }
        }
    }

    [TestMethod]
    public void Transform_is_lazy_and_scores_in_batches_not_row_by_row()
    {
        CountingSpace.Register();
        var local = new MLContext(seed: 3);
        var digits = MnistDigits.Load();
        var fitted = local.Transforms.Conversion.MapValueToKey("Label")
            .Append(local.Nas().FixedArchitecture(new FixedArchitectureOptions
            {
                SearchSpace = CountingSpace.Spec, Architecture = CountingSpace.SampleArchitecture(3), Final = { Epochs = 1 }, Device = "cpu",
            }))
            .Fit(digits.ToDataView(local, digits.TrainIndices[..200]));
        using var counted = fitted.LastTransformer;
        var rows = digits.ToDataView(local, digits.TestIndices[..600]);

        int before = CountingSpace.Forwards;
        var scored = fitted.Transform(rows);
        Assert.AreEqual(before, CountingSpace.Forwards, "Transform itself runs nothing");
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        Assert.AreEqual(600, predicted.Length);
        Assert.AreEqual(before + (600 + NasTransformer.ScoringBatchSize - 1) / NasTransformer.ScoringBatchSize, CountingSpace.Forwards);
        _ = scored.GetColumn<uint>("Label").ToArray();
        Assert.AreEqual(before + 3, CountingSpace.Forwards, "reading only input columns runs no forward");
    }

    [TestMethod]
    public void Model_exposes_its_architecture_spec_history_and_parameter_count()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("nas-export").FullName, "architecture.json");
        model.ExportArchitecture(path);

        Assert.AreEqual(model.Architecture.ToJson(), Microsoft.ML.Nas.Architectures.Architecture.Load(path).ToJson());
        Assert.AreEqual(TrainedMlp.Spec, model.Spec);
        Assert.AreEqual(8, model.History.Final.Count);
        Assert.IsTrue(model.History.Final.All(e => e.Metrics.ContainsKey("loss") && e.Metrics.ContainsKey("accuracy")));
        Assert.IsTrue(model.History.Final[^1].Metrics["loss"] < model.History.Final[0].Metrics["loss"], "training loss falls");
        Assert.AreEqual(model.Network.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.IsTrue(model.ParameterCount > 784 * 16, "the pruned MLP keeps at least its first layer");
        CollectionAssert.AreEqual(new long[] { 784 }, model.SampleShape.ToArray());
    }

    private static IDataView Keyed(IDataView data) => mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);

    /// <summary>PredictionEngine's output row.</summary>
    public sealed class DigitPrediction
    {
        public uint PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];
    }
}
