using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>
/// Fit feeds the features as the data holds them. The mlp space standardizes them itself, so raw pixel levels (0–255,
/// what ML.NET's ExtractPixels gives) train as well as pixels scaled to [0, 1].
/// </summary>
[TestClass]
public sealed class NasFeatureScaleTests
{
    private const int TrainRows = 1500;
    private const int TestRows = 500;
    private const int Epochs = 5;

    [TestMethod]
    public void Raw_pixel_levels_train_the_mlp_space_as_well_as_pixels_in_unit_range()
    {
        var normalized = SearchSpaces.Mlp(layers: 2, hidden: 64, widths: [32, 96]);
        var unnormalized = SearchSpaces.Mlp(layers: 2, hidden: 64, widths: [32, 96], normalizeInputs: false);

        double unit = Accuracy(normalized, scale: 1);
        double raw = Accuracy(normalized, scale: 255);
        double rawUnnormalized = Accuracy(unnormalized, scale: 255);

        Console.WriteLine($"mlp on {TrainRows} digits, {Epochs} epochs: pixels in [0, 1] {unit:P2}, raw levels {raw:P2}, raw levels without the input norm {rawUnnormalized:P2}");
        Assert.IsGreaterThan(0.8, raw);
        Assert.IsLessThan(0.04, Math.Abs(raw - unit), "the scale of the features should not matter");
        Assert.IsLessThan(0.6, rawUnnormalized, "without the norm raw levels saturate the first layer: what the default prevents");
    }

    [TestMethod]
    public void An_unknown_input_norm_in_a_spec_is_named()
    {
        var spec = SearchSpaces.Mlp().With("inputNorm", "layer");

        var error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(spec, new SpaceContext([4], 2)));
        StringAssert.Contains(error.Message, "Parameter 'inputNorm' of search space 'mlp' must be 'batch' or 'none'; got 'layer'");
    }

    private static double Accuracy(SearchSpaceSpec spec, float scale)
    {
        var mlContext = new MLContext(seed: 1);
        var train = DigitViews.View(mlContext, DigitViews.Rows(TrainRows).Select(row => Scaled(row, scale)));
        var test = DigitViews.View(mlContext, DigitViews.Rows(MnistDigits.Load().TestIndices[..TestRows]).Select(row => Scaled(row, scale)));
        var architecture = TrainedMlp.SampleArchitecture(spec, new SpaceContext([MnistDigits.PixelsPerImage], MnistDigits.ClassCount), seed: 1);
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Nas().FixedArchitecture(new FixedArchitectureOptions
            {
                SearchSpace = spec, Architecture = architecture, Final = { Epochs = Epochs, BatchSize = 32, LearningRate = 0.1 }, Device = "cpu", Seed = 1,
            }))
            .Fit(train);
        return mlContext.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
    }

    private static MnistDigitRow Scaled(MnistDigitRow row, float scale) =>
        new() { Label = row.Label, Features = row.Features.Select(value => value * scale).ToArray() };
}
