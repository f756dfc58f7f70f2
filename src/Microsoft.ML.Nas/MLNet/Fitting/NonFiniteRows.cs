using System.Globalization;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>Counts the rows whose features hold NaN or ±∞ while a view is read, and remembers the first.</summary>
internal sealed class NonFiniteRows
{
    private long count;
    private long firstRow = -1;
    private int firstIndex;
    private float firstValue;

    /// <summary>Checks one row's features (a managed pass over values just copied: no device work).</summary>
    public void Check(ReadOnlySpan<float> features, long row)
    {
        for (int i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                if (count++ == 0)
                {
                    (firstRow, firstIndex, firstValue) = (row, i, features[i]);
                }
                return;
            }
        }
    }

    /// <exception cref="InvalidDataException">Some row held a NaN or infinite feature.</exception>
    public void ThrowIfAny(string what, string column)
    {
        if (count == 0)
        {
            return;
        }
        string rows = count == 1 ? "row" : "rows";
        string where = string.Create(CultureInfo.InvariantCulture, $"{count} {rows}; the first is row {firstRow} (counting from 0), with {firstValue} at position {firstIndex}");
        throw new InvalidDataException(
            $"Features column '{column}' of the {what} holds NaN or infinite values in {where}. Remove those rows or replace the values " +
            "(e.g. mlContext.Transforms.ReplaceMissingValues) before Fit: one such row spreads NaN through batch normalization into every weight.");
    }
}
