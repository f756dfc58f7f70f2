namespace Microsoft.ML.Nas.MLNet.Scoring;

/// <summary>The annotation names and values ML.NET's scorers write and its evaluators and key mappers read.</summary>
internal static class AnnotationKinds
{
    public const string KeyValues = "KeyValues";
    public const string SlotNames = "SlotNames";
    public const string ScoreColumnKind = "ScoreColumnKind";
    public const string ScoreValueKind = "ScoreValueKind";
    public const string ScoreColumnSetId = "ScoreColumnSetId";
    public const string TrainingLabelValues = "TrainingLabelValues";
    public const string IsNormalized = "IsNormalized";

    /// <summary>The score column kind of multiclass classifiers.</summary>
    public const string MulticlassClassification = "MulticlassClassification";

    /// <summary>The score value kind of the score column.</summary>
    public const string Score = "Score";

    /// <summary>The score value kind of the predicted label column.</summary>
    public const string PredictedLabel = "PredictedLabel";
}
