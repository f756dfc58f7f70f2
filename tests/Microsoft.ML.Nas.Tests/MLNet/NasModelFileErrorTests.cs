using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>Damaged files, unregistered custom spaces and failed saves give clear errors and lose nothing.</summary>
[TestClass]
public sealed class NasModelFileErrorTests
{
    private const string CustomKind = "test-custom-a";
    private static string directory = null!;
    private static string modelPath = null!;
    private static DataViewSchema schema = null!;

    [ClassInitialize]
    public static void SaveOnce(TestContext _)
    {
        SearchSpaceRegistry.Register(CustomKind, (spec, context) => SearchSpaceRegistry.Build(CountingSpace.AsMlp(spec), context));
        var spec = new SearchSpaceSpec(CustomKind, TrainedMlp.Spec.Parameters.Select(p => KeyValuePair.Create(p.Key, (object)p.Value)));
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var data = digits.ToDataView(mlContext, digits.TrainIndices[..100]);
        var fitted = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Nas().FixedArchitecture(new FixedArchitectureOptions
            {
                SearchSpace = spec, Architecture = TrainedMlp.SampleArchitecture(2), Final = { Epochs = 1 }, Device = "cpu",
            }))
            .Fit(data);
        directory = Directory.CreateTempSubdirectory("nas-errors").FullName;
        modelPath = Path.Combine(directory, "model.zip");
        schema = data.Schema;
        mlContext.Model.Save(fitted, schema, modelPath);
        fitted.LastTransformer.Dispose();
    }

    [TestMethod]
    public void A_truncated_zip_fails_to_load_as_invalid_data()
    {
        string path = Path.Combine(directory, "truncated.zip");
        var bytes = File.ReadAllBytes(modelPath);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.IsTrue(Chain(error).Any(e => e is InvalidDataException), Describe(error));
    }

    [TestMethod]
    public void Damaged_weights_fail_to_load_with_a_message_about_the_weights()
    {
        string path = Rewrite("damaged-weights.zip", "NasWeights.bin", bytes => bytes[..(bytes.Length - 100)]);

        var error = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.IsTrue(Chain(error).Any(e => e is InvalidDataException && e.Message.Contains("weights", StringComparison.Ordinal)), Describe(error));
    }

    [TestMethod]
    public void A_model_of_an_unregistered_custom_space_fails_to_load_in_a_fresh_process_naming_the_space()
    {
        // A fresh process has not registered the custom kind, as an application that forgot the registration.
        var (exitCode, output) = NasModelPersistenceTests.RunLoader(modelPath, 1, Path.Combine(directory, "unregistered-scores.bin"));

        Assert.AreNotEqual(0, exitCode, output);
        // ML.NET calls the loader by reflection, so the outermost exception is a TargetInvocationException; the
        // registry's message is the first one of ours (what Exception.GetBaseException() returns).
        StringAssert.Contains(output, $"KeyNotFoundException: No search space is registered under '{CustomKind}'", output);
        StringAssert.Contains(output, $"SearchSpaceRegistry.Register(\"{CustomKind}\", factory)", output);
    }

    [TestMethod]
    public void A_failed_save_leaves_an_existing_file_untouched()
    {
        string path = Path.Combine(directory, "existing.zip");
        File.Copy(modelPath, path, overwrite: true);
        var before = File.ReadAllBytes(path);
        var mlContext = new MLContext();
        var loaded = mlContext.Model.Load(path, out _);
        var nas = ((IEnumerable<ITransformer>)loaded).OfType<NasTransformer>().Single();
        nas.Dispose();

        Assert.ThrowsExactly<ObjectDisposedException>(() => mlContext.Model.SaveAtomically(loaded, schema, path));

        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        Assert.AreEqual(1, Directory.GetFiles(directory, "*existing.zip*").Length, "no temporary file is left behind");
    }

    private static string Rewrite(string name, string entrySuffix, Func<byte[], byte[]> change, string? onlyIfContains = null)
        => ModelZip.Rewrite(modelPath, Path.Combine(directory, name), entrySuffix, change, onlyIfContains);

    private static IEnumerable<Exception> Chain(Exception error) => ModelZip.Chain(error);

    private static string Describe(Exception error) => ModelZip.Describe(error);
}
