using Microsoft.ML.Data;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>Checks the columns a NAS estimator or model reads; the messages name the column and what was found.</summary>
internal static class NasSchemaChecks
{
    /// <summary>The Features column: a known-size vector of Single (of <paramref name="expectedSize"/> values when given).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or is not such a vector.</exception>
    public static VectorDataViewType CheckFeatures(DataViewSchema schema, string name, int? expectedSize = null)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            $"Features column '{name}' was not found in the input schema (columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        return CheckFeatureType(name, column.Type, expectedSize);
    }

    /// <summary>Checks a features column type (from a schema or a schema shape).</summary>
    public static VectorDataViewType CheckFeatureType(string name, DataViewType type, int? expectedSize)
    {
        if (type is not VectorDataViewType { ItemType: var item, IsKnownSize: true } vector || item != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException(nameof(type),
                $"Features column '{name}' must be a known-size vector of Single; found {Describe(type)}.");
        }
        if (expectedSize is { } size && vector.Size != size)
        {
            throw new ArgumentOutOfRangeException(nameof(type),
                $"Features column '{name}' has vectors of {vector.Size} values; this model was trained on {size}.");
        }
        return vector;
    }

    /// <summary>The Label column: a key type with at least 2 values. Returns the number of classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing, is not a key, or has fewer than 2 values.</exception>
    public static int CheckLabel(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            $"Label column '{name}' was not found in the input schema (columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        return CheckLabelType(name, column.Type);
    }

    /// <summary>Checks a label column type; returns the number of classes.</summary>
    public static int CheckLabelType(string name, DataViewType type)
    {
        if (type is not KeyDataViewType key)
        {
            throw new ArgumentOutOfRangeException(nameof(type),
                $"Label column '{name}' must be a key type (e.g. from MapValueToKey); found {Describe(type)}.");
        }
        if (key.Count < 2 || key.Count > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(type),
                $"Label column '{name}' must be a key with at least 2 values; found a key of {key.Count} value(s).");
        }
        return (int)key.Count;
    }

    private static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType { IsKnownSize: false } v => $"a vector of unknown size of {v.ItemType}",
        VectorDataViewType v => $"a vector of {v.Size} {v.ItemType}",
        KeyDataViewType k => $"a key of {k.Count} values",
        _ => $"a scalar {type}",
    };
}
