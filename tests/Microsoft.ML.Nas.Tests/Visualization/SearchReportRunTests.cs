using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Visualization;
using Microsoft.ML.Nas.Visualization.Pictures;
using Microsoft.ML.Nas.Visualization.Report;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Visualization;

/// <summary>Reports and pictures written by real (tiny) runs: through ML.NET's NasTransformer, and from the trainers below it.</summary>
[TestClass]
public sealed class SearchReportRunTests
{
    public TestContext TestContext { get; set; } = null!;

    private string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "nas-report-" + Guid.NewGuid().ToString("N"));
        TestContext.WriteLine(folder);
        return folder;
    }

    [TestMethod]
    public void An_enas_model_writes_its_report_and_its_picture()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var options = new EnasOptions
        {
            SearchSpace = SearchSpaces.Mlp(layers: 2, hidden: 32, widths: [16, 48]),
            Search = { Epochs = 2, BatchSize = 32, ChildSteps = 4, ControllerSteps = 2, ControllerAggregate = 1, ExportSamples = 2 },
            Final = { Epochs = 2, BatchSize = 32, LearningRate = 0.1 },
            Device = "cpu", Seed = 5,
        };
        using var model = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(options))
            .Fit(digits.ToDataView(mlContext, digits.TrainIndices[..256])).LastTransformer;
        string folder = Folder();

        model.WriteReport(Path.Combine(folder, "report.html"));
        model.DrawArchitecture(Path.Combine(folder, "architecture.png"));

        var report = new ReportHtml(File.ReadAllText(Path.Combine(folder, "report.html")));
        Assert.AreEqual("ENAS", (string?)report.Data()["algorithm"]);
        StringAssert.Contains(report.Section("summary"), model.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        Assert.AreEqual(2, ReportHtml.Series(report.Section("enas"), "Most likely architecture: probability per decision")["probability"]);
        Assert.AreEqual(2, ReportHtml.Series(report.Section("training"), "Final training: accuracy")["training accuracy"]);
        Assert.AreEqual("MLP architecture", (string?)ReportHtml.Svgs(report.Section("architecture")).Single().Attribute("aria-label"));
        var png = File.ReadAllBytes(Path.Combine(folder, "architecture.png"));
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [TestMethod]
    public void A_darts_search_and_its_retraining_below_mlnet_write_one_report()
    {
        var digits = MnistDigits.Load();
        var context = new SpaceContext([1, 14, 14], 10);
        using var train = Pooled(digits, digits.TrainIndices[..64]);
        var spec = SearchSpaces.DartsCells(channels: 2, layers: 3, nodes: 2, stemMultiplier: 1);
        random.manual_seed(1);
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        using var search = new DartsTrainer(supernet, new DartsTrainerOptions
        {
            TrainData = train, Epochs = 2, BatchSize = 32, Device = "cpu", Seed = 1, LogFrequency = 0,
        });
        search.Train();
        var architecture = search.Export();
        using var final = FixedArchitecture.Build(spec, context, architecture);
        using var retrain = new FixedArchitectureTrainer(final, architecture, new FixedArchitectureTrainerOptions
        {
            TrainData = train, Epochs = 1, BatchSize = 32, Device = "cpu", Seed = 2, LogFrequency = 0,
        });
        retrain.Train();
        string path = Path.Combine(Folder(), "nested", "report.html");

        SearchReport.Write(path, search.Loop, architecture, retrain.Loop);

        var report = new ReportHtml(File.ReadAllText(path));
        Assert.AreEqual("DARTS", (string?)report.Data()["algorithm"]);
        Assert.AreEqual(final.parameters().Sum(p => p.numel()), (long)report.Data()["parameterCount"]!);
        Assert.HasCount(2, ReportHtml.Charts(report.Section("darts"), "weight-history"));
        Assert.AreEqual(2, ReportHtml.Series(report.Section("training"), "Search: loss")["training loss"]);
        Assert.AreEqual(1, ReportHtml.Series(report.Section("training"), "Final training: loss")["training loss"]);
    }

    [TestMethod]
    public void Without_a_retraining_the_parameters_are_those_the_architecture_keeps_of_the_supernet()
    {
        var spec = HandBuiltArchitectures.Mlp;
        var architecture = HandBuiltArchitectures.MlpArchitecture();
        using var supernet = SearchSpaceRegistry.Build(spec, HandBuiltArchitectures.Vectors);
        using var fixedNetwork = FixedArchitecture.Build(spec, HandBuiltArchitectures.Vectors, architecture);

        long counted = ChosenParameters.Count(supernet, new ChosenCandidates(ModelSearchSpace.Of(supernet), architecture));

        Assert.AreEqual(fixedNetwork.parameters().Sum(p => p.numel()), counted);
        Assert.IsLessThan(supernet.parameters().Sum(p => p.numel()), counted);
    }

    private static TensorDataset Pooled(MnistDigits digits, ReadOnlySpan<int> indices)
    {
        using var scope = NewDisposeScope();
        var images = tensor(digits.GetFeatures(indices), [indices.Length, 1, 28, 28]);
        return new TensorDataset(nn.functional.avg_pool2d(images, 2), tensor(digits.GetLabels(indices)), CPU, 10);
    }
}
