using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>
/// A saved model carries SHA-256 checksums of its parts: a byte changed in place (the zip's own CRC rewritten to
/// match) fails to load naming the part, instead of scoring garbage. Files of the format before checksums still load.
/// </summary>
[TestClass]
public sealed class NasModelIntegrityTests
{
    private static string directory = null!;
    private static string modelPath = null!;
    private static string architectureChoice = null!;

    [ClassInitialize]
    public static void SaveOnce(TestContext _)
    {
        var mlContext = new MLContext(seed: 1);
        var (chain, model) = TrainedMlp.Fit(mlContext, trainRows: 100, seed: 2, epochs: 1);
        directory = Directory.CreateTempSubdirectory("nas-integrity").FullName;
        modelPath = Path.Combine(directory, "model.zip");
        architectureChoice = model.Architecture["layer0"].Names[0];
        var digits = MnistDigits.Load();
        mlContext.Model.Save(chain, digits.ToDataView(mlContext, digits.TestIndices[..1]).Schema, modelPath);
        model.Dispose();
    }

    [TestMethod]
    public void The_saved_model_loads_untouched()
    {
        var loaded = new MLContext().Model.Load(modelPath, out _);
        ((IEnumerable<ITransformer>)loaded).OfType<NasTransformer>().Single().Dispose();
    }

    [TestMethod]
    public void A_weight_byte_changed_in_place_fails_to_load_naming_the_weights()
    {
        string path = ModelZip.Rewrite(modelPath, Path.Combine(directory, "weights.zip"), "NasWeights.bin", bytes => ModelZip.FlipBit(bytes, bytes.Length / 2));

        AssertDamaged(path, "weights");
    }

    [TestMethod]
    public void A_changed_spec_fails_to_load_naming_the_spec()
    {
        string path = ModelZip.Rewrite(modelPath, Path.Combine(directory, "spec.zip"), "Model.key",
            bytes => ModelZip.Replace(bytes, "\"hidden\": \"64\"", "\"hidden\": \"65\""), onlyIfContains: "\"hidden\"");

        AssertDamaged(path, "search-space spec");
    }

    [TestMethod]
    public void A_changed_architecture_fails_to_load_naming_the_architecture()
    {
        string other = architectureChoice.StartsWith("relu", StringComparison.Ordinal) ? "tanh" + architectureChoice[4..] : "relu" + architectureChoice[4..];
        string path = ModelZip.Rewrite(modelPath, Path.Combine(directory, "architecture.zip"), "Model.key",
            bytes => ModelZip.Replace(bytes, $"\"layer0\": \"{architectureChoice}\"", $"\"layer0\": \"{other}\""), onlyIfContains: "\"layer0\"");

        AssertDamaged(path, "architecture");
    }

    [TestMethod]
    public void A_changed_history_fails_to_load_naming_the_metadata()
    {
        string path = ModelZip.Rewrite(modelPath, Path.Combine(directory, "history.zip"), "Model.key",
            bytes => ModelZip.Replace(bytes, "\"phase\":\"final\"", "\"phase\":\"finaL\""), onlyIfContains: "\"phase\"");

        AssertDamaged(path, "metadata");
    }

    [TestMethod]
    public void A_model_of_format_0x00010001_without_checksums_still_loads_and_scores_as_it_did()
    {
        // Saved by commit 348a7cf (format 0x00010001): a one-layer MLP trained for two epochs on 300 digits, with the
        // scores it gave the first 20 test digits.
        string model = Path.Combine(AppContext.BaseDirectory, "MLNet", "Models", "tiny-mlp-v00010001.zip");
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "MLNet", "Models", "tiny-mlp-v00010001.scores.bin"));
        var expected = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, expected, 0, bytes.Length);
        var mlContext = new MLContext(seed: 3);
        var digits = MnistDigits.Load();

        var loaded = mlContext.Model.Load(model, out _);
        var scores = TrainedMlp.Scores(loaded.Transform(digits.ToDataView(mlContext, digits.TestIndices[..20])));

        Assert.HasCount(expected.Length, scores);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], scores[i], 1e-5f, $"score {i}");
        }
        ((IEnumerable<ITransformer>)loaded).OfType<NasTransformer>().Single().Dispose();
    }

    private static void AssertDamaged(string path, string part)
    {
        var error = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        var damaged = ModelZip.Chain(error).OfType<InvalidDataException>().FirstOrDefault();
        Assert.IsNotNull(damaged, ModelZip.Describe(error));
        StringAssert.Contains(damaged.Message, part, ModelZip.Describe(error));
        StringAssert.Contains(damaged.Message, "SHA-256", ModelZip.Describe(error));
    }
}
