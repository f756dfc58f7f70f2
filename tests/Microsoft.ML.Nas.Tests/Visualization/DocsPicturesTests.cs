using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Visualization;
using static Microsoft.ML.Nas.Architectures.ArchitectureChoice;

namespace Microsoft.ML.Nas.Tests.Visualization;

/// <summary>
/// The README's pictures of the built-in spaces (docs/pictures/*.svg) are the library's own output: this test draws
/// them again and fails when they differ. <c>NAS_UPDATE_DOCS=1 ./build.sh test --filter DocsPicturesTests</c> rewrites them.
/// </summary>
[TestClass]
public sealed class DocsPicturesTests
{
    private static readonly SpaceContext Digits = new([1, 28, 28], 10);

    public static IEnumerable<object[]> Pictures =>
    [
        ["darts-cells.svg", SearchSpaces.DartsCells(channels: 4, layers: 3), Digits],
        ["enas-macro.svg", SearchSpaces.EnasMacro(layers: 6, filters: 4), Digits],
        ["enas-micro.svg", SearchSpaces.EnasMicro(layers: 1, channels: 4, auxiliary: false), Digits],
        ["mlp.svg", SearchSpaces.Mlp(layers: 3), new SpaceContext([784], 10)],
    ];

    [TestMethod]
    [DynamicData(nameof(Pictures))]
    public void The_committed_picture_is_what_the_library_draws(string file, SearchSpaceSpec spec, SpaceContext context)
    {
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        string drawn = ArchitectureDrawing.ToSvg(supernet, Architecture(file, supernet));
        string path = Path.Combine(RepositoryRoot(), "docs", "pictures", file);

        if (Environment.GetEnvironmentVariable("NAS_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, drawn);
        }
        Assert.IsTrue(File.Exists(path), $"{path} is missing; NAS_UPDATE_DOCS=1 writes it.");
        Assert.AreEqual(File.ReadAllText(path), drawn, $"{path} is out of date; NAS_UPDATE_DOCS=1 rewrites it.");
    }

    // DARTS: the second-order cells the DARTS paper reports (arXiv 1806.09055, "DARTS (second order)"); the others are
    // seeded samples of their spaces.
    private static Architecture Architecture(string file, TorchSharp.torch.nn.Module supernet)
    {
        if (file != "darts-cells.svg")
        {
            using var mutator = new RandomMutator(supernet, seed: 7);
            return mutator.Export();
        }
        var choices = new Dictionary<string, ArchitectureChoice>();
        void Cell(string type, params (string Op, int Input)[] edges)
        {
            for (int node = 0; node < 4; node++)
            {
                var kept = edges.Skip(2 * node).Take(2).ToList();
                for (int input = 0; input < node + 2; input++)
                {
                    var edge = kept.FirstOrDefault(e => e.Input == input);
                    choices[$"{type}_n{node + 2}_p{input}"] = edge.Op is null ? Empty : Name(edge.Op);
                }
                choices[$"{type}_n{node + 2}_switch"] = OfIndices(kept.Select(e => e.Input).Order());
            }
        }
        Cell("normal", ("sepconv3x3", 0), ("sepconv3x3", 1), ("sepconv3x3", 0), ("sepconv3x3", 1),
            ("sepconv3x3", 1), ("skipconnect", 0), ("skipconnect", 0), ("dilconv3x3", 2));
        Cell("reduce", ("maxpool", 0), ("maxpool", 1), ("skipconnect", 2), ("maxpool", 1),
            ("maxpool", 0), ("skipconnect", 2), ("skipconnect", 2), ("maxpool", 1));
        return new Architecture(choices);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Microsoft.ML.Nas.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException($"No Microsoft.ML.Nas.sln above {AppContext.BaseDirectory}.");
    }
}
