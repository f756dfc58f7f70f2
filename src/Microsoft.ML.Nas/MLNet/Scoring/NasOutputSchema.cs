using Microsoft.ML.Data;
using Microsoft.ML.Nas.MLNet.Fitting;

namespace Microsoft.ML.Nas.MLNet.Scoring;

/// <summary>
/// The schema a NAS model produces: the input's columns, then Score (one probability per class) and PredictedLabel
/// (a key carrying the label's values), annotated as ML.NET's multiclass scorer annotates them, so that Evaluate,
/// MapKeyToValue and PredictionEngine work unchanged.
/// </summary>
internal static class NasOutputSchema
{
    public static DataViewSchema Build(DataViewSchema input, NasColumns columns, int classCount, LabelKeyValues? labels)
    {
        uint setId = NextScoreSetId(input);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);

        var score = new DataViewSchema.Annotations.Builder();
        AddText(score, AnnotationKinds.ScoreColumnKind, AnnotationKinds.MulticlassClassification);
        AddText(score, AnnotationKinds.ScoreValueKind, AnnotationKinds.Score);
        AddSetId(score, setId);
        if (labels is not null)
        {
            var names = labels.ToText().Select(n => n.AsMemory()).ToArray();
            score.Add(AnnotationKinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, names.Length),
                (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone()));
            labels.AddTo(score, AnnotationKinds.TrainingLabelValues);
        }
        builder.AddColumn(columns.Score, new VectorDataViewType(NumberDataViewType.Single, classCount), score.ToAnnotations());

        var predicted = new DataViewSchema.Annotations.Builder();
        labels?.AddTo(predicted, AnnotationKinds.KeyValues);
        AddText(predicted, AnnotationKinds.ScoreColumnKind, AnnotationKinds.MulticlassClassification);
        AddText(predicted, AnnotationKinds.ScoreValueKind, AnnotationKinds.PredictedLabel);
        AddSetId(predicted, setId);
        builder.AddColumn(columns.PredictedLabel, new KeyDataViewType(typeof(uint), classCount), predicted.ToAnnotations());
        return builder.ToSchema();
    }

    // Scorers number their column sets so that evaluators tell the outputs of several models apart.
    private static uint NextScoreSetId(DataViewSchema input)
    {
        uint max = 0;
        foreach (var column in input)
        {
            var annotation = column.Annotations.Schema.GetColumnOrNull(AnnotationKinds.ScoreColumnSetId);
            if (annotation?.Type is KeyDataViewType { RawType: var raw } && raw == typeof(uint))
            {
                uint id = 0;
                column.Annotations.GetValue(AnnotationKinds.ScoreColumnSetId, ref id);
                max = Math.Max(max, id);
            }
        }
        return max + 1;
    }

    private static void AddSetId(DataViewSchema.Annotations.Builder builder, uint id) =>
        builder.Add(AnnotationKinds.ScoreColumnSetId, new KeyDataViewType(typeof(uint), int.MaxValue), (ref uint value) => value = id);

    private static void AddText(DataViewSchema.Annotations.Builder builder, string kind, string text) =>
        builder.Add(kind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = text.AsMemory());
}
