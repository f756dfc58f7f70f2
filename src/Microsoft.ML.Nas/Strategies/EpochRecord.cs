namespace Microsoft.ML.Nas.Strategies;

/// <summary>What one epoch of a search did: the history a trainer exposes and its checkpoints keep.</summary>
public sealed record EpochRecord
{
    /// <summary>The epoch, from 0.</summary>
    public required int Epoch { get; init; }

    /// <summary>The weights' learning rate during the epoch.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Mean training loss over the steps that reported one (NaN when none did).</summary>
    public required double TrainLoss { get; init; }

    /// <summary>Mean training metric over the steps that reported one (NaN when none did).</summary>
    public required double TrainMetric { get; init; }

    /// <summary>Validation loss after the epoch, when the strategy validated.</summary>
    public double? ValidLoss { get; init; }

    /// <summary>Validation metric after the epoch, when the strategy validated.</summary>
    public double? ValidMetric { get; init; }

    /// <summary>Means of the other numbers the steps reported (e.g. "arch_loss", "reward").</summary>
    public IReadOnlyDictionary<string, double> Values { get; init; } = new Dictionary<string, double>();

    /// <summary>The architecture weights at the end of the epoch, per key (DARTS: softmax of the alphas), if any.</summary>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights { get; init; } = new Dictionary<string, float[]>();

    /// <summary>Wall time of the epoch (training and validation).</summary>
    public TimeSpan Elapsed { get; init; }
}
