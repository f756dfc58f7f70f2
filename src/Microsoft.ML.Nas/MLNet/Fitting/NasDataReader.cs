using Microsoft.ML.Data;
using Microsoft.ML.Nas.Data;
using TorchSharp;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// Reads an IDataView once into a <see cref="TensorDataset"/>: the features into one contiguous buffer, the label keys
/// (1-based) as class indices (0-based). Rows with a missing label (key 0) are skipped, as ML.NET's trainers skip them;
/// NaN or infinite features are refused, since one such row turns every weight into NaN without a word.
/// </summary>
internal static class NasDataReader
{
    /// <summary>The data read, with the number of rows skipped for a missing label.</summary>
    public sealed record Result(TensorDataset Data, long SkippedRows);

    /// <summary>Reads <paramref name="data"/>, which messages call <paramref name="what"/> ("training data", "validation data").</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type (the message names it).</exception>
    /// <exception cref="InvalidDataException">The view has no rows, or features are NaN or infinite (the message names the first row and the count).</exception>
    /// <exception cref="InvalidOperationException">
    /// No row has a label, or ML.NET's image transforms upstream fail under the process's SkiaSharp (<see cref="SkiaSharpMismatch"/>).
    /// </exception>
    public static Result Read(IDataView data, string what, NasColumns columns, IReadOnlyList<long> sampleShape, int classCount, torch.Device device, Action cancellationCheck)
    {
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfEmpty(data, what);
        var vector = NasSchemaChecks.CheckFeatures(data.Schema, columns.Features);
        int labelClasses = NasSchemaChecks.CheckLabel(data.Schema, columns.Label);
        if (labelClasses != classCount)
        {
            throw new ArgumentOutOfRangeException(nameof(data),
                $"Label column '{columns.Label}' has a key of {labelClasses} values here but {classCount} in the training data.");
        }
        int featureCount = vector.Size;
        var featureColumn = data.Schema[columns.Features];
        var labelColumn = data.Schema[columns.Label];
        long? knownRows = data.GetRowCount();
        var features = new List<float>(knownRows is { } n && n * featureCount < int.MaxValue ? (int)(n * featureCount) : 0);
        var labels = new List<long>();
        long skipped = 0;
        var nonFinite = new NonFiniteRows();
        try
        {
            using (var cursor = data.GetRowCursor([featureColumn, labelColumn]))
            {
                var reader = new FeatureRowReader(cursor, columns.Features, featureCount);
                var labelGetter = KeyGetter(cursor, labelColumn);
                var row = new float[featureCount];
                while (cursor.MoveNext())
                {
                    if ((cursor.Position & 1023) == 0)
                    {
                        cancellationCheck();
                    }
                    ulong key = labelGetter();
                    if (key == 0)
                    {
                        skipped++;
                        continue;
                    }
                    reader.CopyTo(row);
                    nonFinite.Check(row, cursor.Position);
                    features.AddRange(row);
                    labels.Add((long)key - 1);
                }
            }
        }
        catch (Exception e) when (SkiaSharpMismatch.Explain(e, what, columns.Features) is { } explained)
        {
            throw explained;
        }
        nonFinite.ThrowIfAny(what, columns.Features);
        if (labels.Count == 0)
        {
            throw new InvalidOperationException($"No row of the data has a value in label column '{columns.Label}'; there is nothing to train on.");
        }
        var dataset = TensorDataset.FromArrays([.. features], [.. sampleShape], [.. labels], device, classCount);
        return new Result(dataset, skipped);
    }

    /// <summary>Throws when <paramref name="data"/> has no rows, before its schema is blamed for what an empty view gives.</summary>
    /// <exception cref="InvalidDataException">The view has no rows.</exception>
    public static void ThrowIfEmpty(IDataView data, string what)
    {
        long? count = data.GetRowCount();
        if (count > 0)
        {
            return;
        }
        if (count is null)
        {
            using var cursor = data.GetRowCursor([]);
            if (cursor.MoveNext())
            {
                return;
            }
        }
        // Checked before the schema: an empty view also makes MapValueToKey give a key of one value, which the label
        // check would report instead of the cause.
        throw new InvalidDataException($"The {what} has no rows. Check what loaded or filtered it.");
    }

    private static Func<ulong> KeyGetter(DataViewRow row, DataViewSchema.Column column)
    {
        switch (column.Type.RawType)
        {
            case var t when t == typeof(uint):
                { var g = row.GetGetter<uint>(column); uint v = 0; return () => { g(ref v); return v; }; }
            case var t when t == typeof(ulong):
                { var g = row.GetGetter<ulong>(column); ulong v = 0; return () => { g(ref v); return v; }; }
            case var t when t == typeof(ushort):
                { var g = row.GetGetter<ushort>(column); ushort v = 0; return () => { g(ref v); return v; }; }
            case var t when t == typeof(byte):
                { var g = row.GetGetter<byte>(column); byte v = 0; return () => { g(ref v); return v; }; }
            default:
                throw new ArgumentOutOfRangeException(nameof(column), $"Label column '{column.Name}' has key type {column.Type} with an unsupported raw type.");
        }
    }
}
