using Microsoft.ML.Data;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>
/// Under <c>NasOptions.TimeBudget</c> with no <c>FinalWidthMultiplier</c>, Fit times the found network at widths ×1 to
/// ×4 and trains the widest that still fits <c>FinalMinimumEpochs</c>; where a wider network is not allowed or not
/// possible it keeps ×1.
/// </summary>
[TestClass]
public sealed class NasFinalWidthChoiceTests
{
    private static readonly SearchSpaceSpec Space = SearchSpaces.Mlp(layers: 2, hidden: 16);
    private static readonly SpaceContext Pixels = new([MnistDigits.PixelsPerImage], MnistDigits.ClassCount);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    [TestMethod]
    public void With_time_to_spare_the_widest_candidate_is_trained_saved_and_loaded()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        // An epoch is eight steps: about 20 ms even at ×4 (903,178 parameters) on one thread, so hundreds fit. The
        // budget is longer than the other tests' so that a busy machine, which slows reading the data, still leaves time.
        var chain = Fit(mlContext, digits, Given(Space, TrainedMlp.SampleArchitecture(Space, Pixels, seed: 4), minimumEpochs: 1, budget: TimeSpan.FromSeconds(10)));
        using var model = chain.LastTransformer;
        var test = digits.ToDataView(mlContext, digits.TestIndices[..60]);
        float[] expected = TrainedMlp.Scores(chain.Transform(test));

        Assert.AreEqual(Space.Scaled(4), model.Spec);
        using (var searched = FixedArchitecture.Build(Space, Pixels, model.Architecture))
        {
            long searchedCount = searched.parameters().Sum(p => p.numel());
            Assert.IsTrue(model.ParameterCount > 3 * searchedCount, $"{model.ParameterCount} parameters trained against {searchedCount} searched");
        }

        var (loaded, loadedNas) = TrainedMlp.SavedAndLoaded(mlContext, chain, test.Schema);
        Assert.AreEqual(model.Spec, loadedNas.Spec);
        CollectionAssert.AreEqual(expected, TrainedMlp.Scores(loaded.Transform(test)));
    }

    [TestMethod]
    public void A_minimum_no_width_can_meet_keeps_the_searched_width_and_still_trains()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var chain = Fit(mlContext, digits, Given(Space, TrainedMlp.SampleArchitecture(Space, Pixels, seed: 4), minimumEpochs: 10_000_000));
        using var model = chain.LastTransformer;

        Assert.AreEqual(Space, model.Spec);
        Assert.IsTrue(model.History.Final.Count >= 1, "the budget trains what it can at ×1");
    }

    [TestMethod]
    public void A_search_budget_on_parameters_keeps_the_width_it_bounds()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        // One inner width, so every x1 network has the same count: the budget admits all of them and no wider one.
        var uniform = SearchSpaces.Mlp(layers: 2, hidden: 16, widths: [16]);
        long budget;
        using (var supernet = SearchSpaceRegistry.Build(uniform, Pixels))
        {
            budget = new ParameterCounter(supernet).Smallest;
        }
        var chain = Fit(mlContext, digits, new RandomOptions
        {
            SearchSpace = uniform, TimeBudget = Budget, FinalMinimumEpochs = 1, Device = "cpu", Threads = 1, Seed = 2,
            Search = { BatchSize = 32, ExportSamples = 2, MaxParameters = budget },
            Final = { BatchSize = 32 },
        });
        using var model = chain.LastTransformer;

        Assert.AreEqual(uniform, model.Spec, "time allowed x4, the budget only x1");
        Assert.AreEqual(budget, model.ParameterCount);
    }

    [TestMethod]
    public void A_custom_space_without_a_scaler_keeps_its_width_instead_of_failing()
    {
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var chain = Fit(mlContext, digits, Given(CountingSpace.Spec, CountingSpace.SampleArchitecture(seed: 5), minimumEpochs: 1));
        using var model = chain.LastTransformer;

        Assert.AreEqual(CountingSpace.Spec, model.Spec);
        Assert.IsTrue(model.History.Final.Count >= 1);
    }

    [TestMethod]
    public void A_minimum_below_one_epoch_is_named()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MLContext().Nas().Enas(new EnasOptions
        {
            TimeBudget = TimeSpan.FromMinutes(1), FinalMinimumEpochs = 0,
        }));
        Assert.AreEqual(nameof(NasOptions.FinalMinimumEpochs), error.ParamName);
    }

    /// <summary>A given architecture trained within <paramref name="budget"/> (default <see cref="Budget"/>), its width left to Fit.</summary>
    private static FixedArchitectureOptions Given(SearchSpaceSpec space, Architecture architecture, int minimumEpochs, TimeSpan? budget = null) => new()
    {
        SearchSpace = space, Architecture = architecture, TimeBudget = budget ?? Budget, FinalMinimumEpochs = minimumEpochs,
        Final = { BatchSize = 32 }, Device = "cpu", Threads = 1, Seed = 2,
    };

    private static TransformerChain<NasTransformer> Fit(MLContext mlContext, MnistDigits digits, NasOptions options)
    {
        mlContext.Log += (_, e) =>
        {
            if (e.Message.Contains("Final width", StringComparison.Ordinal))
            {
                Console.WriteLine(e.Message);
            }
        };
        var nas = options switch
        {
            FixedArchitectureOptions given => mlContext.Nas().FixedArchitecture(given),
            RandomOptions random => mlContext.Nas().Random(random),
            _ => throw new ArgumentException($"No estimator for {options.GetType().Name} in this test."),
        };
        return mlContext.Transforms.Conversion.MapValueToKey("Label").Append(nas).Fit(digits.ToDataView(mlContext, digits.TrainIndices[..256]));
    }
}
