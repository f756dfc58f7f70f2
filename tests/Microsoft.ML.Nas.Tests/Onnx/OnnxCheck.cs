using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Onnx;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Onnx;

/// <summary>
/// Exports a network, runs the file in ONNX Runtime on real digits and compares with TorchSharp in eval mode. Batch
/// norms first see a few training batches and get random affine weights, so that folding them is really checked.
/// </summary>
internal static class OnnxCheck
{
    public const double Tolerance = 1e-4;

    /// <summary>The first <paramref name="count"/> test digits, row after row (784 values each).</summary>
    public static float[] Digits(int count)
    {
        var digits = MnistDigits.Load();
        return digits.GetFeatures(digits.TestIndices[..count]);
    }

    /// <summary>
    /// <paramref name="count"/> samples of <paramref name="sampleShape"/> cut from the test digits' pixels, in order: the
    /// digits themselves when the shape holds 784 values, real image content for any other shape.
    /// </summary>
    public static float[] Samples(int count, long[] sampleShape)
    {
        int size = checked((int)sampleShape.Aggregate(1L, (a, b) => a * b));
        int values = checked(count * size);
        return Digits((values + MnistDigits.PixelsPerImage - 1) / MnistDigits.PixelsPerImage)[..values];
    }

    /// <summary>Gives every batch norm running statistics and affine weights far from their initial values.</summary>
    public static void Perturb(nn.Module<Tensor, Tensor> network, long[] sampleShape, int seed)
    {
        manual_seed(seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (_, module) in network.named_modules())
        {
            if (module is BatchNorm norm && norm.weight is not null && norm.bias is not null)
            {
                norm.weight.uniform_(0.5, 1.5);
                norm.bias.normal_(0, 0.2);
            }
        }
        network.train();
        var batch = tensor(Samples(64, sampleShape), [64, .. sampleShape]);
        for (int i = 0; i < 3; i++)
        {
            network.call(batch);
        }
        network.eval();
    }

    /// <summary>TorchSharp's probabilities for <paramref name="features"/> ([rows, sample]) in eval mode.</summary>
    public static float[] TorchProbabilities(nn.Module<Tensor, Tensor> network, float[] features, long[] sampleShape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        network.eval();
        long rows = features.Length / sampleShape.Aggregate(1L, (a, b) => a * b);
        return nn.functional.softmax(network.call(tensor(features, [rows, .. sampleShape])), 1).contiguous().data<float>().ToArray();
    }

    /// <summary>ONNX Runtime's outputs for <paramref name="features"/>: the probabilities and the predicted indices.</summary>
    public static (float[] Probabilities, long[] Predicted) Run(string path, float[] features, int featureCount)
    {
        using var session = new InferenceSession(path);
        var input = new DenseTensor(features, [features.Length / featureCount, featureCount]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input)]);
        var probabilities = results.First(r => r.Name == OnnxExport.ProbabilitiesOutputName).AsTensor<float>().ToArray();
        var predicted = results.First(r => r.Name == OnnxExport.PredictedIndexOutputName).AsTensor<long>().ToArray();
        return (probabilities, predicted);
    }

    /// <summary>Exports <paramref name="network"/>, runs it on 256 digits in both runtimes and asserts they agree.</summary>
    public static void AssertAgrees(nn.Module<Tensor, Tensor> network, long[] sampleShape, string what, int rows = 256, OnnxExportOptions? options = null)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nas-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExport.Save(network, sampleShape, path, options);
            var features = Samples(rows, sampleShape);
            var expected = TorchProbabilities(network, features, sampleShape);
            var (actual, predicted) = Run(path, features, (int)sampleShape.Aggregate(1L, (a, b) => a * b));
            Assert.HasCount(expected.Length, actual, what);
            int classes = expected.Length / rows;
            double maxDifference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            Assert.IsLessThanOrEqualTo(Tolerance, maxDifference, $"{what}: probabilities differ by {maxDifference}.");
            for (int row = 0; row < rows; row++)
            {
                var torchRow = expected.AsSpan(row * classes, classes);
                var onnxRow = actual.AsSpan(row * classes, classes);
                Assert.AreEqual(ArgMax(torchRow), ArgMax(onnxRow), $"{what}: row {row} is classified differently.");
                Assert.AreEqual(ArgMax(onnxRow), predicted[row], $"{what}: row {row}'s predicted index is not its most probable class.");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
