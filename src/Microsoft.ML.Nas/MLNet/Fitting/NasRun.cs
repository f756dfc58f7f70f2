using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>What the search and the final training get from Fit: the space, the data on the device, the environment and the reporting hooks.</summary>
internal sealed class NasRun
{
    /// <summary>The space searched.</summary>
    public required SearchSpaceSpec Spec { get; init; }

    /// <summary>
    /// The space the final network is built from, as far as Fit knows it before the search: <see cref="Spec"/> scaled by
    /// the final multipliers set (width 1 where Fit chooses the width after the search). A search budget on parameters
    /// or latency counts this network.
    /// </summary>
    public required SearchSpaceSpec FinalSpec { get; init; }

    public required SpaceContext Context { get; init; }

    public required TensorDataset Train { get; init; }

    public TensorDataset? Validation { get; init; }

    /// <summary>The environment Fit resolved once (device, threads, seed, cancellation, log); progress is set per phase.</summary>
    public required TrainingEnvironment Environment { get; init; }

    /// <summary>The Fit's time budget and its division between the phases.</summary>
    public required FitTimeBudget Budget { get; init; }

    /// <summary>Carries ML.NET's cancellation into <see cref="TrainingEnvironment.CancellationToken"/>.</summary>
    public required NasCancellation Cancellation { get; init; }

    /// <summary>Reports progress (ML.NET's progress channel and the options' IProgress).</summary>
    public required Action<NasProgress> ReportProgress { get; init; }

    /// <summary>Logs an epoch's record and reports it.</summary>
    public required Action<NasEpochRecord> EpochCompleted { get; init; }

    /// <summary>The environment of one phase: the run's, reporting to ML.NET under <paramref name="phase"/>.</summary>
    public TrainingEnvironment EnvironmentFor(string phase) => Environment.WithProgress(new OneShotBridge(this, phase));
}
