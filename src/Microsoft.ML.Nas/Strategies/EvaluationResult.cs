namespace Microsoft.ML.Nas.Strategies;

/// <summary>The mean loss and metric of a model over a whole dataset.</summary>
/// <param name="Loss">Mean loss per sample.</param>
/// <param name="Metric">Metric weighted by batch size (top-1 accuracy by default).</param>
/// <param name="Count">Number of samples evaluated.</param>
public sealed record EvaluationResult(double Loss, double Metric, long Count);
