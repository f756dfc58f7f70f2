using Microsoft.ML.Nas.Architectures;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>An architecture a sampling strategy scored on its scoring data with the supernet's shared weights.</summary>
/// <param name="Architecture">The architecture.</param>
/// <param name="Score">Its metric over the scoring data (higher is better).</param>
/// <param name="Loss">Its mean loss over the scoring data.</param>
/// <param name="Parameters">The parameters of the network it makes, when a budget asked for the count; else null.</param>
/// <param name="Exported">Whether the strategy exports it.</param>
/// <param name="PredictedLatency">
/// Its latency at <see cref="OneShotTrainerOptions.LatencyBatchSize"/> as the latency table predicts it, when a latency
/// budget asked for it; else null.
/// </param>
public sealed record ScoredArchitecture(Architecture Architecture, double Score, double Loss, long? Parameters, bool Exported, TimeSpan? PredictedLatency = null);
