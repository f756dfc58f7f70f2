using Microsoft.ML.Data;
using Microsoft.ML.Nas.MLNet.Fitting;

namespace Microsoft.ML.Nas.MLNet.Scoring;

/// <summary>A row of the input with Score and PredictedLabel, scored once per input position when first read.</summary>
internal sealed class NasScoredRow : DataViewRow
{
    private readonly DataViewSchema schema;
    private readonly DataViewRow input;
    private readonly HashSet<int> active;
    private readonly NasTransformer model;
    private readonly int inputCount;
    private readonly float[] features;
    private readonly float[] scores;
    private FeatureRowReader? reader;
    private long scoredPosition = -1;

    public NasScoredRow(DataViewSchema schema, DataViewRow input, HashSet<int> active, NasTransformer model)
    {
        this.schema = schema;
        this.input = input;
        this.active = active;
        this.model = model;
        inputCount = input.Schema.Count;
        features = new float[model.Scorer.FeatureCount];
        scores = new float[model.ClassCount];
    }

    public override DataViewSchema Schema => schema;

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < inputCount)
        {
            return input.GetGetter<TValue>(input.Schema[column.Index]);
        }
        var getter = column.Index == inputCount
            ? (Delegate)ScoreGetters.Score(CurrentScores)
            : ScoreGetters.PredictedLabel(CurrentScores);
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    private ReadOnlyMemory<float> CurrentScores()
    {
        // PredictionEngine reuses one row for every prediction, so a new position (or none) means new features.
        if (scoredPosition != input.Position || input.Position < 0)
        {
            reader ??= new FeatureRowReader(input, model.FeatureColumnName, model.Scorer.FeatureCount);
            try
            {
                reader.CopyTo(features);
            }
            catch (Exception e) when (SkiaSharpMismatch.Explain(e, SkiaSharpMismatch.ScoredData, model.FeatureColumnName) is { } explained)
            {
                throw explained;
            }
            model.Scorer.Score(features, 1, scores);
            scoredPosition = input.Position;
        }
        return scores;
    }
}
