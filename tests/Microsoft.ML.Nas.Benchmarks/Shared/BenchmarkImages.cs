using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>The images the step benchmarks train on: the first embedded digits, or noise of a CIFAR-like shape.</summary>
internal static class BenchmarkImages
{
    /// <summary>
    /// <paramref name="count"/> samples of <paramref name="sampleShape"/>: the first training digits when
    /// <paramref name="digits"/>, else standard normal noise with uniform labels (step times depend on shapes, not on
    /// pixel values), on <paramref name="device"/> with 10 classes.
    /// </summary>
    public static TensorDataset Create(bool digits, long[] sampleShape, int count, Device device)
    {
        if (digits)
        {
            var mnist = MnistDigits.Load();
            var indices = mnist.TrainIndices[..count];
            return TensorDataset.FromArrays(mnist.GetFeatures(indices), sampleShape, mnist.GetLabels(indices), device, 10);
        }
        using var features = randn([count, .. sampleShape]);
        using var labels = randint(0, 10, [count], dtype: ScalarType.Int64);
        return new TensorDataset(features, labels, device, 10);
    }
}
