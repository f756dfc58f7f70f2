namespace Microsoft.ML.Nas.Strategies;

/// <summary>The latency of an exported architecture under <see cref="OneShotTrainerOptions.MaxLatency"/>.</summary>
/// <param name="BatchSize">The batch the latencies are of (<see cref="OneShotTrainerOptions.LatencyBatchSize"/>).</param>
/// <param name="Predicted">What the latency table predicts: its fixed part plus the chosen candidates.</param>
/// <param name="Measured">The median time of a forward that runs only the chosen candidates, on the training device.</param>
public sealed record ArchitectureLatency(int BatchSize, TimeSpan Predicted, TimeSpan Measured);
