using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>The first training digits as 1×14×14 images (2×2 average-pooled), on the CPU: small DARTS-cell searches.</summary>
internal static class HalfSizeDigits
{
    public static TensorDataset Train(int count)
    {
        TorchRuntime.EnsureAvailable();
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..count];
        using var scope = NewDisposeScope();
        var images = tensor(digits.GetFeatures(indices), [count, 1, 28, 28]);
        return new TensorDataset(nn.functional.avg_pool2d(images, 2), tensor(digits.GetLabels(indices)), DeviceSelection.Resolve("cpu"), 10);
    }
}
