using Microsoft.ML.Data;
using Microsoft.ML.Nas.MLNet.Fitting;

namespace Microsoft.ML.Nas.MLNet.Scoring;

/// <summary>
/// Walks the input row by row while a second cursor over the features alone reads ahead a batch at a time, so the
/// network runs once per <see cref="NasTransformer.ScoringBatchSize"/> rows, never once per row.
/// </summary>
internal sealed class NasScoringCursor : DataViewRowCursor
{
    private readonly DataViewSchema schema;
    private readonly DataViewRowCursor main;
    private readonly DataViewRowCursor? features;
    private readonly FeatureRowReader? reader;
    private readonly HashSet<int> active;
    private readonly NasTransformer model;
    private readonly int inputCount;
    private readonly float[] featureBuffer;
    private readonly float[] scores;
    private long batchStart;
    private int batchRows;
    private long position = -1;

    public NasScoringCursor(DataViewSchema schema, DataViewRowCursor main, DataViewRowCursor? features, HashSet<int> active, NasTransformer model)
    {
        this.schema = schema;
        this.main = main;
        this.features = features;
        this.active = active;
        this.model = model;
        inputCount = main.Schema.Count;
        var scorer = model.Scorer;
        featureBuffer = features is null ? [] : new float[NasTransformer.ScoringBatchSize * scorer.FeatureCount];
        scores = features is null ? [] : new float[NasTransformer.ScoringBatchSize * scorer.ClassCount];
        reader = features is null ? null : new FeatureRowReader(features, model.FeatureColumnName, scorer.FeatureCount);
    }

    public override DataViewSchema Schema => schema;

    public override long Position => position;

    public override long Batch => main.Batch;

    public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

    public override ValueGetter<DataViewRowId> GetIdGetter() => main.GetIdGetter();

    public override bool MoveNext()
    {
        if (!main.MoveNext())
        {
            return false;
        }
        position++;
        if (features is not null && position >= batchStart + batchRows)
        {
            FillBatch();
        }
        return true;
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!active.Contains(column.Index))
        {
            throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
        }
        if (column.Index < inputCount)
        {
            return main.GetGetter<TValue>(main.Schema[column.Index]);
        }
        var getter = column.Index == inputCount
            ? (Delegate)ScoreGetters.Score(CurrentScores)
            : ScoreGetters.PredictedLabel(CurrentScores);
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            main.Dispose();
            features?.Dispose();
        }
        base.Dispose(disposing);
    }

    private ReadOnlyMemory<float> CurrentScores()
    {
        int classes = model.ClassCount;
        return scores.AsMemory((int)(position - batchStart) * classes, classes);
    }

    private void FillBatch()
    {
        model.ThrowIfCanceled();
        var scorer = model.Scorer;
        batchStart = position;
        batchRows = 0;
        try
        {
            while (batchRows < NasTransformer.ScoringBatchSize && features!.MoveNext())
            {
                reader!.CopyTo(featureBuffer.AsSpan(batchRows * scorer.FeatureCount, scorer.FeatureCount));
                batchRows++;
            }
        }
        catch (Exception e) when (SkiaSharpMismatch.Explain(e, SkiaSharpMismatch.ScoredData, model.FeatureColumnName) is { } explained)
        {
            throw explained;
        }
        if (batchRows == 0)
        {
            throw new InvalidOperationException("The input produced fewer feature rows than rows: it must give the same rows to every cursor.");
        }
        scorer.Score(featureBuffer, batchRows, scores);
    }
}
