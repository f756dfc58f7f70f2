using System.IO.Compression;
using System.Text;
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
    public void A_model_of_an_unregistered_custom_space_fails_to_load_naming_the_space()
    {
        // The same model, as if saved under a kind this process never registered.
        string path = Rewrite("unregistered.zip", "Model.key", bytes => Replace(bytes, CustomKind, "test-custom-z"), onlyIfContains: CustomKind);

        var error = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.IsTrue(Chain(error).Any(e => e is KeyNotFoundException && e.Message.Contains("'test-custom-z'", StringComparison.Ordinal)), Describe(error));
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
    {
        string path = Path.Combine(directory, name);
        File.Copy(modelPath, path, overwrite: true);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(entrySuffix, StringComparison.Ordinal)
            && (onlyIfContains is null || Read(e).AsSpan().IndexOf(Encoding.UTF8.GetBytes(onlyIfContains)) >= 0));
        var bytes = change(Read(entry));
        string fullName = entry.FullName;
        entry.Delete();
        using var stream = zip.CreateEntry(fullName).Open();
        stream.Write(bytes);
        return path;
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        var source = Encoding.UTF8.GetBytes(from);
        var target = Encoding.UTF8.GetBytes(to);
        int at = bytes.AsSpan().IndexOf(source);
        Assert.IsTrue(at >= 0 && source.Length == target.Length);
        var copy = (byte[])bytes.Clone();
        target.CopyTo(copy, at);
        return copy;
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static string Describe(Exception error) => string.Join(" <- ", Chain(error).Select(e => $"{e.GetType().Name}: {e.Message}"));
}
