namespace Microsoft.ML.Nas.Strategies;

/// <summary>What one step reports; the loop averages each over the epoch.</summary>
/// <param name="Loss">The training loss of the step, when it trained weights.</param>
/// <param name="Metric">The metric (accuracy by default) on the step's batch, when computed.</param>
/// <param name="Values">Other named numbers (e.g. "arch_loss", "reward", "entropy").</param>
public sealed record StepResult(double? Loss = null, double? Metric = null, IReadOnlyDictionary<string, double>? Values = null)
{
    /// <summary>A step that reports nothing.</summary>
    public static StepResult None { get; } = new();

    /// <summary>Throws when a reported number is NaN or infinite (they are host numbers already: no extra sync).</summary>
    /// <exception cref="NonFiniteTrainingException">A number is not finite; the message names it.</exception>
    internal void ThrowIfNotFinite()
    {
        if (Loss is { } loss)
        {
            NonFiniteTrainingException.ThrowIfNotFinite(loss, "loss");
        }
        if (Metric is { } metric)
        {
            NonFiniteTrainingException.ThrowIfNotFinite(metric, "metric");
        }
        foreach (var (name, value) in Values ?? new Dictionary<string, double>())
        {
            NonFiniteTrainingException.ThrowIfNotFinite(value, $"'{name}'");
        }
    }
}
