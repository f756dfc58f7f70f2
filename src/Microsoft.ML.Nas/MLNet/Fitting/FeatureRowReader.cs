using Microsoft.ML.Data;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>Copies the features vector of the current row of a cursor into a dense span.</summary>
internal sealed class FeatureRowReader(DataViewRow row, string column, int featureCount)
{
    private readonly ValueGetter<VBuffer<float>> getter = row.GetGetter<VBuffer<float>>(row.Schema[column]);
    private VBuffer<float> buffer;

    public void CopyTo(Span<float> destination)
    {
        getter(ref buffer);
        if (buffer.Length != featureCount)
        {
            throw new InvalidOperationException($"Features column '{column}' has a row of {buffer.Length} values; expected {featureCount}.");
        }
        if (buffer.IsDense)
        {
            buffer.GetValues().CopyTo(destination);
            return;
        }
        destination[..featureCount].Clear();
        var indices = buffer.GetIndices();
        var values = buffer.GetValues();
        for (int i = 0; i < indices.Length; i++)
        {
            destination[indices[i]] = values[i];
        }
    }
}
