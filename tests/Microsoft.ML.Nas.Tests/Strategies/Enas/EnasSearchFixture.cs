using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

/// <summary>A tiny ENAS search on embedded digits: a 2-layer, 4-filter macro space, a few child and controller steps per epoch.</summary>
internal static class EnasSearchFixture
{
    public static TensorDataset Digits(int count, int offset = 0)
    {
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices.Slice(offset, count);
        return TensorDataset.FromArrays(digits.GetFeatures(indices), [1, 28, 28], digits.GetLabels(indices), CPU, MnistDigits.ClassCount);
    }

    public static nn.Module<Tensor, Tensor> Model(int layers = 2, int filters = 4) =>
        SearchSpaceRegistry.Build(SearchSpaces.EnasMacro(layers, filters), new SpaceContext([1, 28, 28], MnistDigits.ClassCount));

    public static EnasTrainerOptions Options(TensorDataset train, TensorDataset? valid, int epochs = 2) => new()
    {
        TrainData = train,
        ValidData = valid,
        Epochs = epochs,
        BatchSize = 16,
        ChildSteps = 4,
        ControllerSteps = 2,
        ControllerAggregate = 3,
        ControllerLearningRate = 0.01,
        ExportSamples = 4,
        Device = "cpu",
        Threads = 1,
        Seed = 7,
        LogFrequency = 0,
    };
}
