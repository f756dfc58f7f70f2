namespace Microsoft.ML.Nas.MLNet;

/// <summary>The metrics of one epoch of a NAS run: the search (losses, accuracies, rewards, alpha weights) or the final training.</summary>
/// <param name="Phase">Which part of the run: <c>search</c> or <c>final</c>.</param>
/// <param name="Epoch">The epoch, counted from 0 within its phase.</param>
/// <param name="Metrics">Named values, e.g. <c>loss</c>, <c>accuracy</c>, <c>reward</c>, <c>seconds</c>.</param>
public sealed record NasEpochRecord(string Phase, int Epoch, IReadOnlyDictionary<string, double> Metrics);
