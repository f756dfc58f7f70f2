using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>What a search strategy gets from Fit: the space, the data on the device, and the run's reporting hooks.</summary>
internal sealed class NasRun
{
    public required SearchSpaceSpec Spec { get; init; }

    public required SpaceContext Context { get; init; }

    public required TensorDataset Train { get; init; }

    public TensorDataset? Validation { get; init; }

    public required torch.Device Device { get; init; }

    public required int Seed { get; init; }

    /// <summary>Writes a line to ML.NET's log (the host channel).</summary>
    public required Action<string> Log { get; init; }

    /// <summary>Throws when ML.NET's execution was cancelled; call between batches.</summary>
    public required Action CancellationCheck { get; init; }

    /// <summary>Reports progress (ML.NET's progress channel and the options' IProgress).</summary>
    public required Action<NasProgress> ReportProgress { get; init; }

    /// <summary>Logs an epoch's record and reports it.</summary>
    public required Action<NasEpochRecord> EpochCompleted { get; init; }
}
