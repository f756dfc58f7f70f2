using Microsoft.ML.Data;

namespace Microsoft.ML.Nas.MLNet.Scoring;

/// <summary>Scores single rows (PredictionEngine's path); the network runs once per row that asks for a score.</summary>
internal sealed class NasRowMapper(DataViewSchema inputSchema, DataViewSchema outputSchema, NasTransformer model) : IRowToRowMapper
{
    public DataViewSchema InputSchema => inputSchema;

    public DataViewSchema OutputSchema => outputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var needed = dependingColumns.Select(c => c.Index).ToHashSet();
        int inputCount = inputSchema.Count;
        var result = inputSchema.Where(c => needed.Contains(c.Index)).ToList();
        if (needed.Contains(inputCount) || needed.Contains(inputCount + 1))
        {
            result.Add(inputSchema[model.FeatureColumnName]);
        }
        return result.Distinct();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        return new NasScoredRow(outputSchema, input, activeColumns.Select(c => c.Index).ToHashSet(), model);
    }
}
