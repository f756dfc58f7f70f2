using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;

// Usage: PackageConsumer <package file (.nupkg)> <expected version> <work folder>
// 1. Reads the package: its dependencies are TorchSharp and Microsoft.ML only, it has a readme, a licence and a
//    repository, and lib/ holds the library alone (not the publicized Microsoft.ML.Core it compiles against).
// 2. Uses it as an application would: the Microsoft.ML.Nas loaded is the version under test; mlContext.Nas() fits a tiny
//    ENAS search on generated data, the model is saved, loaded back by a fresh MLContext, and scores the same rows to the
//    same numbers. Each failure prints one 'package-check: FAILED ...' line and exits 1.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: PackageConsumer <package .nupkg> <expected version> <work folder>");
    return 2;
}
string package = args[0], version = args[1], work = args[2];
try
{
    CheckPackageFile(package, version);
    CheckLoadedLibrary(version);
    FitSaveLoad(Path.Combine(work, "model.zip"));
    return 0;
}
catch (CheckFailedException e)
{
    Console.WriteLine($"package-check: FAILED: {e.Message}");
    return 1;
}

static void CheckPackageFile(string package, string version)
{
    using var zip = ZipFile.OpenRead(package);
    var entries = zip.Entries.Select(e => e.FullName).ToList();
    var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
    XDocument nuspec;
    using (var stream = nuspecEntry.Open())
    {
        nuspec = XDocument.Load(stream);
    }
    var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    string? Meta(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    Require(Meta("version") == version, $"the package's version is '{Meta("version")}', not '{version}'");
    var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
        .Select(e => $"{e.Attribute("id")?.Value} {e.Attribute("version")?.Value}").Distinct().Order().ToList();
    // Google.Protobuf writes the ONNX export; protoc (Google.Protobuf.Tools) is a build-time tool and must not show.
    Require(dependencies.SequenceEqual(["Google.Protobuf 3.36.2", "Microsoft.ML 5.0.1", "TorchSharp 0.107.0"]),
        $"the package's dependencies are [{string.Join(", ", dependencies)}], not exactly [Google.Protobuf 3.36.2, Microsoft.ML 5.0.1, TorchSharp 0.107.0]");
    string? readme = Meta("readme");
    Require(readme is not null && entries.Contains(readme), "the package has no readme");
    Require(Meta("license") == "MIT", $"the package's licence is '{Meta("license")}', not the expression MIT");
    var repository = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository");
    Require(!string.IsNullOrEmpty(repository?.Attribute("url")?.Value), "the package names no repository");
    var libraries = entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Order().ToList();
    Require(libraries.SequenceEqual(["lib/net10.0/Microsoft.ML.Nas.dll", "lib/net10.0/Microsoft.ML.Nas.xml"]),
        $"lib/ holds [{string.Join(", ", libraries)}], not exactly the library and its documentation");
    Console.WriteLine($"package-check: {Path.GetFileName(package)}: dependencies [{string.Join(", ", dependencies)}], " +
        $"readme {readme}, licence MIT, repository {repository!.Attribute("url")!.Value}");
}

static void CheckLoadedLibrary(string version)
{
    var assembly = typeof(NasCatalog).Assembly;
    string informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
    Require(informational == version || informational.StartsWith(version + "+", StringComparison.Ordinal),
        $"the application loaded Microsoft.ML.Nas {informational} from {assembly.Location}, not the package under test ({version})");
    Console.WriteLine($"package-check: the application runs Microsoft.ML.Nas {informational}");
}

static void FitSaveLoad(string modelPath)
{
    var ml = new MLContext(seed: 1);
    var data = ml.Data.LoadFromEnumerable(GeneratedRows(count: 200, seed: 7));
    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.Nas().Enas(new EnasOptions
        {
            SearchSpace = SearchSpaces.Mlp(layers: 2, hidden: 32),
            Search = { Epochs = 1, BatchSize = 32, ChildSteps = 4, ControllerSteps = 2, ControllerAggregate = 1, ExportSamples = 2 },
            Final = { Epochs = 1, BatchSize = 32 },
            Device = "cpu", Seed = 1,
        }));
    var model = pipeline.Fit(data);
    float[] fitted = Scores(model.Transform(data));
    Require(fitted.Length == 200 * Classes && fitted.All(float.IsFinite), $"the fitted model gave {fitted.Length} scores, not {200 * Classes} finite ones");

    ml.Model.Save(model, data.Schema, modelPath);
    var loaded = new MLContext(seed: 2).Model.Load(modelPath, out _);
    float[] reloaded = Scores(loaded.Transform(data));
    int differing = fitted.Zip(reloaded).Count(pair => pair.First != pair.Second);
    Require(reloaded.Length == fitted.Length && differing == 0,
        $"the loaded model's scores differ from the fitted model's ({differing} of {fitted.Length} differ, {reloaded.Length} scores)");
    var nas = model.LastTransformer;
    // The ONNX messages are compiled into the library at build time: the export must work from the package alone.
    string onnxPath = Path.ChangeExtension(modelPath, ".onnx");
    nas.ExportOnnx(onnxPath);
    string onnxText = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(onnxPath));
    Require(onnxText.Contains("probabilities", StringComparison.Ordinal) && onnxText.Contains("class-2", StringComparison.Ordinal),
        $"the ONNX file {onnxPath} lacks its output name or its labels");
    Console.WriteLine($"package-check: fitted ENAS on 200 generated rows ({nas.ParameterCount} parameters), saved " +
        $"{new FileInfo(modelPath).Length / 1024} KiB, loaded: {reloaded.Length} scores equal; ONNX {new FileInfo(onnxPath).Length / 1024} KiB");
}

static float[] Scores(IDataView scored) =>
    scored.GetColumn<VBuffer<float>>("Score").SelectMany(v => v.DenseValues()).ToArray();

// Three classes, each a Gaussian blob around its own centre in 16 dimensions.
static IEnumerable<Row> GeneratedRows(int count, int seed)
{
    var random = new Random(seed);
    for (int i = 0; i < count; i++)
    {
        int label = i % Classes;
        var features = new float[Features];
        for (int j = 0; j < Features; j++)
        {
            features[j] = (j % Classes == label ? 2f : 0f) + (float)(random.NextDouble() - 0.5);
        }
        yield return new Row { Label = $"class-{label}", Features = features };
    }
}

static void Require(bool condition, string failure)
{
    if (!condition)
    {
        throw new CheckFailedException(failure);
    }
}

internal sealed class Row
{
    public string Label { get; set; } = "";

    [VectorType(16)]
    public float[] Features { get; set; } = [];
}

internal sealed class CheckFailedException(string message) : Exception(message);

internal static partial class Program
{
    private const int Classes = 3;
    private const int Features = 16;
}
