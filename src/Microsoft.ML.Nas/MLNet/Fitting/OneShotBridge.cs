using Microsoft.ML.Nas.Strategies;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// Connects a one-shot trainer's reports to a NAS run: progress and finished epochs go to ML.NET's log and progress,
/// and ML.NET's cancellation is carried into the run's token after every step (the loop stops at its next check).
/// </summary>
internal sealed class OneShotBridge(NasRun run, string phase) : IProgress<OneShotProgress>
{
    /// <summary>The loop's per-epoch record as a history entry of <paramref name="phase"/>.</summary>
    public static NasEpochRecord ToHistory(string phase, EpochRecord record) => new(phase, record.Epoch, record.ToMetrics());

    public void Report(OneShotProgress value)
    {
        run.ReportProgress(new NasProgress(phase, value.Epoch, value.Epochs, value.Step, value.Steps) { TimeLeft = run.Budget.Left ?? value.TimeLeft });
        if (value.Completed is { } record)
        {
            run.EpochCompleted(ToHistory(phase, record));
        }
        run.Cancellation.Poll();
    }
}
