namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>What one sampled architecture contributed to the controller's update.</summary>
/// <param name="Reward">The reward, entropy term included.</param>
/// <param name="Baseline">The moving-average baseline after this reward.</param>
/// <param name="Loss">The sample's REINFORCE loss (before division by the aggregation count).</param>
/// <param name="Entropy">The sample's entropy.</param>
/// <param name="SkipPenalty">The sample's skip penalty.</param>
/// <param name="LogProbability">The sample's log-probability.</param>
/// <param name="Stepped">Whether this sample completed an aggregation window, so the optimizer stepped.</param>
internal sealed record ControllerUpdate(double Reward, double Baseline, double Loss, double Entropy, double SkipPenalty, double LogProbability, bool Stepped);
