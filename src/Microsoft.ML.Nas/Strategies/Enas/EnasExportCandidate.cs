using Microsoft.ML.Nas.Architectures;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>One architecture an ENAS export sampled, with what it scored on the validation data using the shared weights.</summary>
/// <param name="Architecture">The sampled architecture.</param>
/// <param name="Reward">Its reward (the reward function, or the metric, over the validation data); NaN when not evaluated.</param>
/// <param name="Loss">Its mean validation loss; NaN when not evaluated.</param>
/// <param name="Exported">Whether this is the architecture the export chose.</param>
public sealed record EnasExportCandidate(Architecture Architecture, double Reward, double Loss, bool Exported);
