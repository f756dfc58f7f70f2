using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Tests.MLNet;

namespace Microsoft.ML.Nas.Tests.Architectures;

[TestClass]
public sealed class ParameterCounterTests
{
    public static IEnumerable<object[]> Spaces =>
    [
        [SearchSpaces.EnasMacro(layers: 3, filters: 4), new[] { 1, 28, 28 }],
        [SearchSpaces.EnasMacro(layers: 4, filters: 4, growth: 2), new[] { 1, 28, 28 }],
        [SearchSpaces.EnasMicro(layers: 0, nodes: 2, channels: 2), new[] { 1, 28, 28 }],
        [SearchSpaces.DartsCells(channels: 2, layers: 2, nodes: 2), new[] { 1, 28, 28 }],
        [SearchSpaces.Mlp(layers: 2, hidden: 8), new[] { 20 }],
        [EveryFormSpace.Spec, new[] { 20 }],
    ];

    [TestMethod]
    [DynamicData(nameof(Spaces))]
    public void The_count_of_an_architecture_is_the_parameter_count_of_the_network_it_builds(SearchSpaceSpec spec, int[] shape)
    {
        EveryFormSpace.Register();
        var context = new SpaceContext(shape.Select(s => (long)s).ToArray(), 3);
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        var counter = new ParameterCounter(supernet);
        using var mutator = new RandomMutator(supernet, seed: 2);
        var counts = new HashSet<long>();
        for (int i = 0; i < 4; i++)
        {
            mutator.Reset();
            var architecture = mutator.Export();
            using var built = FixedArchitecture.Build(spec, context, architecture);
            long expected = built.parameters().Sum(p => p.numel());
            Assert.AreEqual(expected, counter.Count(architecture), architecture.ToJson());
            Assert.IsGreaterThanOrEqualTo(counter.Smallest, expected);
            counts.Add(expected);
        }

        // The architecture of each key's cheapest candidate has exactly the smallest count.
        var space = ModelSearchSpace.Of(supernet);
        var cheapest = new Architecture(space.Decisions.Select(d => KeyValuePair.Create(d.Key, d.Kind == MutableKind.LayerChoice
            ? ArchitectureChoice.Index(Enumerable.Range(0, d.CandidateCount).MinBy(c => counter.Cost(d.Key, c)))
            : ArchitectureChoice.OfIndices(Enumerable.Range(0, d.NChosen ?? 0)))));
        using var smallest = FixedArchitecture.Build(spec, context, cheapest);
        Assert.AreEqual(counter.Smallest, smallest.parameters().Sum(p => p.numel()));
    }
}
