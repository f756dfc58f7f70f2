using Microsoft.ML.Runtime;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>Sends progress to ML.NET's progress channel (as its own trainers do) and to the application's IProgress.</summary>
internal sealed class NasProgressReporter
{
    private readonly IProgress<NasProgress>? application;
    private NasProgress? latest;

    public NasProgressReporter(IProgressChannel channel, IProgress<NasProgress>? application)
    {
        this.application = application;
        channel.SetHeader(new ProgressHeader(["epochs", "batches"]), entry =>
        {
            if (latest is { } now)
            {
                entry.SetProgress(0, now.Epoch, now.Epochs);
                entry.SetProgress(1, now.Batch, now.Batches);
            }
        });
    }

    public void Report(NasProgress progress)
    {
        latest = progress;
        application?.Report(progress);
    }
}
