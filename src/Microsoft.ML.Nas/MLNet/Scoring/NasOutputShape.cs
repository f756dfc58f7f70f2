using Microsoft.ML.Data;

namespace Microsoft.ML.Nas.MLNet.Scoring;

/// <summary>The schema shape a NAS estimator promises: the input's columns with Score and PredictedLabel added.</summary>
internal static class NasOutputShape
{
    /// <exception cref="ArgumentOutOfRangeException">The features or label column is missing or of the wrong type.</exception>
    public static SchemaShape Build(SchemaShape input, NasColumns columns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Find(input, columns.Features) is not { } features)
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"Features column '{columns.Features}' was not found in the input schema.");
        }
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"Features column '{columns.Features}' must be a known-size vector of Single; found a {features.Kind} of {features.ItemType}.");
        }
        if (Find(input, columns.Label) is not { } label)
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"Label column '{columns.Label}' was not found in the input schema.");
        }
        if (!label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar)
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"Label column '{columns.Label}' must be a key type (e.g. from MapValueToKey); found a {label.Kind} of {label.ItemType}.");
        }
        var keyValues = Find(label.Annotations, AnnotationKinds.KeyValues);
        var text = TextDataViewType.Instance;
        var setId = MLNetInternals.OutputColumn(AnnotationKinds.ScoreColumnSetId, NumberDataViewType.UInt32, false, null, isKey: true);
        var kind = MLNetInternals.OutputColumn(AnnotationKinds.ScoreColumnKind, text, false, null);
        var valueKind = MLNetInternals.OutputColumn(AnnotationKinds.ScoreValueKind, text, false, null);
        var scoreAnnotations = new List<SchemaShape.Column> { kind, valueKind, setId };
        var predictedAnnotations = new List<SchemaShape.Column> { kind, valueKind, setId };
        if (keyValues is { ItemType: var keyValueType })
        {
            scoreAnnotations.Add(MLNetInternals.OutputColumn(AnnotationKinds.SlotNames, text, true, null));
            scoreAnnotations.Add(MLNetInternals.OutputColumn(AnnotationKinds.TrainingLabelValues, keyValueType, true, null));
            predictedAnnotations.Add(MLNetInternals.OutputColumn(AnnotationKinds.KeyValues, keyValueType, true, null));
        }
        var result = input.ToDictionary(c => c.Name);
        result[columns.Score] = MLNetInternals.OutputColumn(columns.Score, NumberDataViewType.Single, true, new SchemaShape(scoreAnnotations));
        result[columns.PredictedLabel] = MLNetInternals.OutputColumn(columns.PredictedLabel, NumberDataViewType.UInt32, false, new SchemaShape(predictedAnnotations), isKey: true);
        return new SchemaShape(result.Values);
    }

    // The last column of that name: a later column hides an earlier one, as in a schema.
    private static SchemaShape.Column? Find(SchemaShape shape, string name) =>
        shape.Where(c => c.Name == name).Select(c => (SchemaShape.Column?)c).LastOrDefault();
}
