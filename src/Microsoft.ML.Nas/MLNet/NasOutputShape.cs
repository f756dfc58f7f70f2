using Microsoft.ML.Data;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>The schema shape a NAS estimator promises: the input's columns with Score and PredictedLabel added.</summary>
internal static class NasOutputShape
{
    /// <exception cref="ArgumentOutOfRangeException">The features or label column is missing or of the wrong type.</exception>
    public static SchemaShape Build(SchemaShape input, NasColumns columns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.TryFindColumn(columns.Features, out var features))
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"Features column '{columns.Features}' was not found in the input schema.");
        }
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"Features column '{columns.Features}' must be a known-size vector of Single; found a {features.Kind} of {features.ItemType}.");
        }
        if (!input.TryFindColumn(columns.Label, out var label))
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"Label column '{columns.Label}' was not found in the input schema.");
        }
        if (!label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar)
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"Label column '{columns.Label}' must be a key type (e.g. from MapValueToKey); found a {label.Kind} of {label.ItemType}.");
        }
        bool hasKeyValues = label.Annotations.TryFindColumn(AnnotationKinds.KeyValues, out var keyValues);
        var text = TextDataViewType.Instance;
        var setId = MLNetInternals.OutputColumn(AnnotationKinds.ScoreColumnSetId, NumberDataViewType.UInt32, false, null, isKey: true);
        var kind = MLNetInternals.OutputColumn(AnnotationKinds.ScoreColumnKind, text, false, null);
        var valueKind = MLNetInternals.OutputColumn(AnnotationKinds.ScoreValueKind, text, false, null);
        var scoreAnnotations = new List<SchemaShape.Column> { kind, valueKind, setId };
        var predictedAnnotations = new List<SchemaShape.Column> { kind, valueKind, setId };
        if (hasKeyValues)
        {
            scoreAnnotations.Add(MLNetInternals.OutputColumn(AnnotationKinds.SlotNames, text, true, null));
            scoreAnnotations.Add(MLNetInternals.OutputColumn(AnnotationKinds.TrainingLabelValues, keyValues.ItemType, true, null));
            predictedAnnotations.Add(MLNetInternals.OutputColumn(AnnotationKinds.KeyValues, keyValues.ItemType, true, null));
        }
        var result = input.ToDictionary(c => c.Name);
        result[columns.Score] = MLNetInternals.OutputColumn(columns.Score, NumberDataViewType.Single, true, new SchemaShape(scoreAnnotations));
        result[columns.PredictedLabel] = MLNetInternals.OutputColumn(columns.PredictedLabel, NumberDataViewType.UInt32, false, new SchemaShape(predictedAnnotations), isKey: true);
        return new SchemaShape(result.Values);
    }
}
