using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>Search.MaxParameters through ML.NET: it bounds the network Fit serves, also when that network is trained wider.</summary>
[TestClass]
public sealed class NasBudgetTests
{
    private static readonly SearchSpaceSpec Space = SearchSpaces.Mlp(layers: 2, hidden: 16);

    [TestMethod]
    public void The_served_network_keeps_to_the_budget_when_trained_wider()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var context = new SpaceContext([MnistDigits.Side * MnistDigits.Side], MnistDigits.ClassCount);
        using var wide = SearchSpaceRegistry.Build(Space.Scaled(2), context);
        var counter = new ParameterCounter(wide);
        long budget = counter.Smallest + (counter.Smallest / 10);
        var chain = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Random(new RandomOptions
        {
            SearchSpace = Space, FinalWidthMultiplier = 2, Device = "cpu", Seed = 1,
            Search = { Epochs = 1, BatchSize = 32, ExportSamples = 3, MaxParameters = budget, ReleaseFreedMemory = false },
            Final = { Epochs = 1, BatchSize = 32, ReleaseFreedMemory = false },
        })).Fit(digits.ToDataView(mlContext, digits.TrainIndices[..120]));
        using var model = chain.LastTransformer;
        Assert.IsLessThanOrEqualTo(budget, model.ParameterCount);
        Assert.AreEqual(counter.Count(model.Architecture), model.ParameterCount);
    }

    [TestMethod]
    public void An_unreachable_budget_fails_before_the_search_and_names_the_smallest_network()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var estimator = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Spos(new SposOptions
        {
            SearchSpace = Space, Device = "cpu", Seed = 1, Search = { Epochs = 1, MaxParameters = 10 },
        }));
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(digits.ToDataView(mlContext, digits.TrainIndices[..60])));
        Assert.AreEqual("Search.MaxParameters", error.ParamName);
        StringAssert.Contains(error.Message, "Search.MaxParameters = 10 cannot be met: the smallest network this space can make has");
    }
}
