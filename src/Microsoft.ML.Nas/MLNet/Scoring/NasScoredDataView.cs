namespace Microsoft.ML.Nas.MLNet.Scoring;

/// <summary>The lazy output of <see cref="NasTransformer.Transform"/>: nothing is scored until a cursor moves.</summary>
internal sealed class NasScoredDataView(IDataView input, DataViewSchema schema, NasTransformer model) : IDataView
{
    // Rows are scored in batches that follow the input's order, so the view cannot shuffle by itself.
    public bool CanShuffle => false;

    public DataViewSchema Schema => schema;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        int inputCount = input.Schema.Count;
        bool scoring = needed.Contains(inputCount) || needed.Contains(inputCount + 1);
        var passThrough = input.Schema.Where(c => needed.Contains(c.Index)).ToArray();
        var main = input.GetRowCursor(passThrough);
        var features = scoring ? input.GetRowCursor([input.Schema[model.FeatureColumnName]]) : null;
        return new NasScoringCursor(schema, main, features, needed, model);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
