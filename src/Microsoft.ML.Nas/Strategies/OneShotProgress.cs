namespace Microsoft.ML.Nas.Strategies;

/// <summary>A progress report of a one-shot search: after each step, and once per finished epoch.</summary>
/// <param name="Epoch">The current epoch, from 0.</param>
/// <param name="Epochs">The number of epochs of the whole run (under a time budget, the epochs planned to fit, known after the first).</param>
/// <param name="Phase">The current phase's name.</param>
/// <param name="Step">Steps done in the phase.</param>
/// <param name="Steps">Steps of the phase.</param>
/// <param name="Loss">Running mean training loss of the epoch so far (NaN before any).</param>
/// <param name="Metric">Running mean training metric of the epoch so far (NaN before any).</param>
/// <param name="Completed">The epoch's record when this report marks its end; else null.</param>
public sealed record OneShotProgress(int Epoch, int Epochs, string Phase, int Step, int Steps, double Loss, double Metric, EpochRecord? Completed = null)
{
    /// <summary>The time left of the training's time budget; null without one.</summary>
    public TimeSpan? TimeLeft { get; init; }
}
