using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>
/// Flat digits in the standard split's order or sorted by label, as a folder-per-class image loader gives them, and
/// the class counts of a dataset.
/// </summary>
internal static class SortedDigits
{
    public static TensorDataset Train(int count, bool sortedByLabel)
    {
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..count].ToArray();
        if (sortedByLabel)
        {
            var labels = digits.GetLabels(indices);
            indices = indices.Select((index, i) => (index, labels[i])).OrderBy(p => p.Item2).Select(p => p.index).ToArray();
        }
        return TensorDataset.FromArrays(digits.GetFeatures(indices), [MnistDigits.PixelsPerImage], digits.GetLabels(indices), CPU, MnistDigits.ClassCount);
    }

    public static TensorDataset Test(int count)
    {
        var digits = MnistDigits.Load();
        var indices = digits.TestIndices[..count];
        return TensorDataset.FromArrays(digits.GetFeatures(indices), [MnistDigits.PixelsPerImage], digits.GetLabels(indices), CPU, MnistDigits.ClassCount);
    }

    public static long[] ClassCounts(TensorDataset data)
    {
        var counts = new long[MnistDigits.ClassCount];
        foreach (long label in Data.TensorDatasetTests.Values(data.Labels))
        {
            counts[label]++;
        }
        return counts;
    }

    /// <summary>Asserts that every class has its share of <paramref name="part"/> (to within one sample).</summary>
    public static void AssertProportional(TensorDataset whole, TensorDataset part, string what)
    {
        var all = ClassCounts(whole);
        var some = ClassCounts(part);
        double fraction = (double)part.Count / whole.Count;
        for (int c = 0; c < all.Length; c++)
        {
            Assert.AreEqual(all[c] * fraction, some[c], 1.0,
                $"{what}: class {c} has {some[c]} of its {all[c]} samples; its share is {all[c] * fraction:F1} ({string.Join(", ", some)})");
        }
    }
}
