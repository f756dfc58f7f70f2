using System.Xml.Linq;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Visualization;
using Microsoft.ML.Nas.Visualization.Graphs;
using Microsoft.ML.Nas.Visualization.Pictures;
using SkiaSharp;
using static Microsoft.ML.Nas.Tests.Visualization.HandBuiltArchitectures;

namespace Microsoft.ML.Nas.Tests.Visualization;

/// <summary>The files a drawing writes (SVG, PNG, DOT) and the layout inside them.</summary>
[TestClass]
public sealed class ArchitectureDrawingTests
{
    public TestContext TestContext { get; set; } = null!;

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static IEnumerable<object[]> Spaces =>
    [
        ["darts", Darts, Digits, DartsArchitecture()],
        ["enas-macro", EnasMacro, Digits, EnasMacroArchitecture()],
        ["enas-micro", EnasMicro, Digits, EnasMicroArchitecture()],
        ["mlp", Mlp, Vectors, MlpArchitecture()],
    ];

    private string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "nas-drawing-" + Guid.NewGuid().ToString("N"));
        TestContext.WriteLine(folder);
        return folder;
    }

    [TestMethod]
    [DynamicData(nameof(Spaces))]
    public void Svg_is_well_formed_with_a_box_per_node_and_a_path_per_edge(string name, SearchSpaceSpec spec, SpaceContext context, Architecture architecture)
    {
        string path = Path.Combine(Folder(), name, "architecture.svg");
        ArchitectureDrawing.Draw(spec, context, architecture, path);

        var svg = XDocument.Load(path).Root!;
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        var graph = ArchitecturePictures.Draw(supernet, architecture);
        Assert.AreEqual(Svg + "svg", svg.Name);
        Assert.AreEqual(graph.NodeCount, svg.Descendants(Svg + "g").Count(g => (string?)g.Attribute("class") == "node"));
        Assert.AreEqual(graph.EdgeCount, svg.Descendants(Svg + "path").Count(p => (string?)p.Attribute("class") == "edge"));
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToHashSet();
        foreach (var label in graph.Panels.SelectMany(p => p.Edges).Select(e => e.Label).OfType<string>())
        {
            Assert.Contains(label, texts);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Spaces))]
    public void No_two_boxes_or_labels_overlap(string name, SearchSpaceSpec spec, SpaceContext context, Architecture architecture)
    {
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        foreach (var panel in ArchitecturePictures.Draw(supernet, architecture).Panels)
        {
            var layout = LayeredLayout.Place(panel);
            var boxes = layout.Nodes.Select(n => (n.Node.Id, n.X, n.Y, n.Width, n.Height))
                .Concat(layout.Edges.Where(e => e.Label is not null).Select(e => ($"label {e.Edge.Label}", e.Label!.Value.X, e.Label.Value.Y, e.Label.Value.Width, e.Label.Value.Height)))
                .ToList();
            for (int i = 0; i < boxes.Count; i++)
            {
                for (int j = i + 1; j < boxes.Count; j++)
                {
                    var (a, b) = (boxes[i], boxes[j]);
                    bool overlap = a.X < b.X + b.Width - 0.5 && b.X < a.X + a.Width - 0.5 && a.Y < b.Y + b.Height - 0.5 && b.Y < a.Y + a.Height - 0.5;
                    Assert.IsFalse(overlap, $"{name}, {panel.Title}: '{a.Item1}' overlaps '{b.Item1}'.");
                }
            }
            Assert.IsTrue(layout.Nodes.All(n => n.X >= 0 && n.Y >= 0 && n.X + n.Width <= layout.Width && n.Y + n.Height <= layout.Height));
        }
    }

    [TestMethod]
    public void Dot_has_a_cluster_per_panel_and_every_edge_label()
    {
        string path = Path.Combine(Folder(), "darts.dot");
        ArchitectureDrawing.Draw(Darts, Digits, DartsArchitecture(), path);

        string dot = File.ReadAllText(path);
        StringAssert.StartsWith(dot, "digraph architecture {");
        StringAssert.Contains(dot, "subgraph cluster_0");
        StringAssert.Contains(dot, "subgraph cluster_1");
        StringAssert.Contains(dot, "\"p0:c_{k-1}\" -> \"p0:0\" [color=\"#455a64\", penwidth=1.4, label=\"skipconnect\"");
        Assert.AreEqual(0, dot.Count(c => c == '{') - dot.Count(c => c == '}'), "braces balance");
    }

    [TestMethod]
    public void Png_is_rasterized_in_process_at_twice_the_svg_size_with_readable_text()
    {
        string folder = Folder();
        ArchitectureDrawing.Draw(Mlp, Vectors, MlpArchitecture(), Path.Combine(folder, "mlp.png"));
        ArchitectureDrawing.Draw(Mlp, Vectors, MlpArchitecture(), Path.Combine(folder, "mlp.svg"));

        using var bitmap = SKBitmap.Decode(Path.Combine(folder, "mlp.png"));
        var svg = XDocument.Load(Path.Combine(folder, "mlp.svg")).Root!;
        Assert.AreEqual(2 * double.Parse((string)svg.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture), bitmap.Width, 1);
        // The title "MLP architecture" is dark text at the top left, on white: without a font it would stay white.
        int dark = 0;
        for (int y = 10; y < 60; y++)
        {
            for (int x = 20; x < 360; x++)
            {
                dark += bitmap.GetPixel(x, y).Red < 100 ? 1 : 0;
            }
        }
        Assert.IsGreaterThan(500, dark, $"the title's glyphs cover {dark} dark pixels; is a font (Debian: fonts-dejavu-core) installed?");
        Assert.IsNotNull(SKFontManager.Default.MatchFamily("DejaVu Sans"), "Debian's DejaVu Sans is found through fontconfig");
    }

    [TestMethod]
    public void Other_extensions_are_refused_naming_the_ones_that_work()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => ArchitectureDrawing.Draw(Mlp, Vectors, MlpArchitecture(), "picture.jpg"));
        StringAssert.Contains(error.Message, ".svg, .png or .dot");
    }
}
