using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>What the tests of the single-path strategies (Random, SPOS) and of budgets share.</summary>
internal static class SinglePathFixture
{
    public static SearchSpaceSpec Space => SearchSpaces.EnasMacro(layers: 2, filters: 4);

    public static SpaceContext Context => new([1, 28, 28], 10);

    public static float[] Flatten(nn.Module module) =>
        module.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    /// <summary>The most parameters any architecture of <paramref name="supernet"/> can have (each key at its largest candidate).</summary>
    public static long Largest(nn.Module supernet, ParameterCounter counter) =>
        counter.Fixed + ModelSearchSpace.Of(supernet).Decisions.Where(d => d.Kind == MutableKind.LayerChoice)
            .Sum(d => Enumerable.Range(0, d.CandidateCount).Max(i => counter.Cost(d.Key, i)));

    /// <summary>The parameters of the network <paramref name="architecture"/> makes, built and counted.</summary>
    public static long Built(Architecture architecture)
    {
        using var fixedNet = FixedArchitecture.Build(Space, Context, architecture);
        return fixedNet.parameters().Sum(p => p.numel());
    }

    /// <summary>Runs <paramref name="body"/> with a fresh temporary folder, deleted afterwards.</summary>
    public static void InTemporaryFolder(string name, Action<string> body)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}");
        try
        {
            body(folder);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
