using System.Globalization;

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

    /// <summary>Under a time budget, the epochs planned to fit as this one ended; null without a budget.</summary>
    public int? PlannedEpochs { get; init; }

    /// <summary>Under a time budget, the time left when this epoch ended; null without a budget.</summary>
    public TimeSpan? TimeLeft { get; init; }

    /// <summary>Whether the time budget ended this epoch before all its steps ran (then it is the last).</summary>
    public bool CutShortByTimeBudget { get; init; }

    /// <summary>
    /// The record as named numbers, as ML.NET's history and the search report show it: <c>loss</c>, <c>accuracy</c>,
    /// <c>learningRate</c>, <c>seconds</c>, <c>validationLoss</c> and <c>validationAccuracy</c> when validated,
    /// <c>plannedEpochs</c>, <c>timeLeftSeconds</c> and <c>cutShortByTimeBudget</c> (1 or 0) under a time budget, the
    /// strategy's own values under their names, and each architecture weight as <c>weight.{key}[i]</c>.
    /// </summary>
    internal Dictionary<string, double> ToMetrics()
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = TrainLoss,
            ["accuracy"] = TrainMetric,
            ["learningRate"] = LearningRate,
            ["seconds"] = Elapsed.TotalSeconds,
        };
        if (PlannedEpochs is { } planned)
        {
            metrics["plannedEpochs"] = planned;
            metrics["timeLeftSeconds"] = TimeLeft?.TotalSeconds ?? 0;
            metrics["cutShortByTimeBudget"] = CutShortByTimeBudget ? 1 : 0;
        }
        if (ValidLoss is { } validLoss)
        {
            metrics["validationLoss"] = validLoss;
        }
        if (ValidMetric is { } validMetric)
        {
            metrics["validationAccuracy"] = validMetric;
        }
        foreach (var (name, value) in Values)
        {
            metrics[name] = value;
        }
        foreach (var (key, weights) in ArchitectureWeights)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                metrics[string.Create(CultureInfo.InvariantCulture, $"weight.{key}[{i}]")] = weights[i];
            }
        }
        return metrics;
    }
}
