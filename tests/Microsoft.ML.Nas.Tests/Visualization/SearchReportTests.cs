using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Visualization.Report;
using static Microsoft.ML.Nas.Tests.Visualization.HandBuiltArchitectures;

namespace Microsoft.ML.Nas.Tests.Visualization;

/// <summary>The search report's HTML, checked without a browser: sections, the picture, charts and the lengths of their series.</summary>
[TestClass]
public sealed class SearchReportTests
{
    private static ReportHtml Render(SearchSpaceSpec spec, SpaceContext context, Architecture architecture, Func<ModelSearchSpace, List<ReportEpoch>> history)
    {
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        var epochs = history(ModelSearchSpace.Of(supernet));
        return new ReportHtml(ReportPage.Render(new ReportInput
        {
            Algorithm = ReportInput.AlgorithmOf(epochs), Space = spec.ToString(), Supernet = supernet, Architecture = architecture,
            Epochs = epochs, ParameterCount = 12_345,
        }));
    }

    [TestMethod]
    public void A_darts_report_has_the_picture_the_curves_and_each_cells_weights_over_every_epoch()
    {
        var report = Render(Darts, Digits, DartsArchitecture(), space => SyntheticHistory.Darts(space, searchEpochs: 3, finalEpochs: 2));

        StringAssert.StartsWith(report.Text, "<!DOCTYPE html>");
        StringAssert.Contains(report.Section("summary"), "12,345");
        var picture = ReportHtml.Svgs(report.Section("architecture")).Single();
        Assert.AreEqual("DARTS cells", (string?)picture.Attribute("aria-label"));
        Assert.AreEqual(10, picture.Descendants(ReportHtml.Svg + "g").Count(g => (string?)g.Attribute("class") == "node"), "5 boxes per cell");

        string training = report.Section("training");
        CollectionAssert.AreEquivalent(new[] { 3, 3, 3 }, ReportHtml.Series(training, "Search: loss").Values.ToArray(), "training, validation, architecture loss");
        Assert.AreEqual(3, ReportHtml.Series(training, "Search: accuracy")["validation accuracy"]);
        Assert.AreEqual(2, ReportHtml.Series(training, "Final training: loss")["training loss"]);
        Assert.AreEqual(2, ReportHtml.Series(training, "Final training: accuracy")["training accuracy"]);

        string darts = report.Section("darts");
        var grids = ReportHtml.Charts(darts, "weight-history");
        Assert.HasCount(2, grids);
        // Two nodes: 2 + 3 edges per cell, each with a heatmap of 3 epochs × 8 weights (7 ops and "none").
        Assert.IsTrue(grids.All(g => (int)g.Attribute("data-edges")! == 5 && (int)g.Attribute("data-epochs")! == 3));
        Assert.AreEqual(3 * 8 * 5, grids[0].Descendants(ReportHtml.Svg + "rect").Count());
        var finals = ReportHtml.Charts(darts, "heatmap");
        Assert.HasCount(2, finals);
        Assert.IsTrue(finals.All(h => (int)h.Attribute("data-rows")! == 5 && (int)h.Attribute("data-columns")! == 8));
        Assert.AreEqual(4, finals[0].Descendants(ReportHtml.Svg + "rect").Count(r => (string?)r.Attribute("class") == "marked"), "the 4 kept edges' ops are outlined");
        StringAssert.Contains(darts, "1 of the normal cell&#39;s 4 kept edges are skip connections");
        Assert.AreEqual(3, ReportHtml.Series(darts, "Edges whose best op changed")["edges"]);

        Assert.AreEqual(5, (int)ReportHtml.Charts(report.Section("timeline"), "timeline").Single().Attribute("data-spans")!);
        var data = report.Data();
        Assert.AreEqual("DARTS", (string?)data["algorithm"]);
        Assert.AreEqual(5, data["epochs"]!.AsArray().Count);
        Assert.AreEqual(DartsArchitecture().Count, data["architecture"]!.AsObject().Count);
    }

    [TestMethod]
    public void An_enas_report_charts_the_controller_epoch_by_epoch()
    {
        var report = Render(EnasMacro, Digits, EnasMacroArchitecture(), _ => SyntheticHistory.Enas(searchEpochs: 4, finalEpochs: 3, decisions: 5));

        string enas = report.Section("enas");
        var reward = ReportHtml.Series(enas, "Reward and baseline");
        Assert.AreEqual(4, reward["reward"]);
        Assert.AreEqual(4, reward["baseline"]);
        Assert.AreEqual(4, ReportHtml.Series(enas, "Controller entropy (per sample)")["entropy"]);
        Assert.AreEqual(4, ReportHtml.Series(enas, "Most likely architecture: probability per decision")["probability"]);
        Assert.AreEqual(4, ReportHtml.Series(enas, "Most likely architecture: decisions changed")["changed decisions"]);
        StringAssert.Contains(enas, "last changed in epoch 3 of 4");
        Assert.IsFalse(report.Text.Contains("id=\"darts\"", StringComparison.Ordinal));
        Assert.AreEqual("ENAS macro architecture", (string?)ReportHtml.Svgs(report.Section("architecture")).Single().Attribute("aria-label"));
    }

    [TestMethod]
    public void The_report_stands_alone_no_script_runs_and_nothing_is_fetched()
    {
        var report = Render(Mlp, Vectors, MlpArchitecture(), _ => SyntheticHistory.Enas(searchEpochs: 2, finalEpochs: 2, decisions: 2));

        string withoutNamespaces = report.Text.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal);
        Assert.IsFalse(withoutNamespaces.Contains("http", StringComparison.OrdinalIgnoreCase), "no address to fetch");
        Assert.IsFalse(report.Text.Contains(" src=", StringComparison.Ordinal));
        Assert.AreEqual(1, report.Text.Split("<script").Length - 1, "only the JSON data block");
        StringAssert.Contains(report.Text, "<link rel=\"icon\" href=\"data:,\">");
        Assert.IsTrue(ReportHtml.Svgs(report.Text).Count >= 8, "every picture and chart is inline SVG");
    }

    [TestMethod]
    public void A_fixed_architecture_report_has_no_search_charts()
    {
        var report = Render(Mlp, Vectors, MlpArchitecture(), _ => SyntheticHistory.Enas(searchEpochs: 0, finalEpochs: 2, decisions: 2));

        Assert.AreEqual("fixed architecture", (string?)report.Data()["algorithm"]);
        Assert.AreEqual(2, ReportHtml.Series(report.Section("training"), "Final training: loss")["training loss"]);
        Assert.IsFalse(report.Text.Contains("Search: loss", StringComparison.Ordinal));
        Assert.IsFalse(report.Text.Contains("id=\"enas\"", StringComparison.Ordinal));
    }
}
