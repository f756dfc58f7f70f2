using Microsoft.ML.Nas.Datasets;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>Digits as an IDataView built from rows a test may change first (a NaN pixel, an order by label).</summary>
internal static class DigitViews
{
    /// <summary>The first <paramref name="count"/> training digits of the standard split, as rows.</summary>
    public static MnistDigitRow[] Rows(int count) => Rows(MnistDigits.Load().TrainIndices[..count]);

    /// <summary>The embedded digits at <paramref name="indices"/>, as rows.</summary>
    public static MnistDigitRow[] Rows(ReadOnlySpan<int> indices)
    {
        var digits = MnistDigits.Load();
        return indices.ToArray().Select(index => new MnistDigitRow { Label = (uint)digits.GetLabels([index])[0], Features = digits.GetFeatures([index]) }).ToArray();
    }

    /// <summary><paramref name="rows"/> as an IDataView with Label (UInt32) and Features (784 Single).</summary>
    public static IDataView View(MLContext mlContext, IEnumerable<MnistDigitRow> rows) => mlContext.Data.LoadFromEnumerable(rows.ToArray());
}
