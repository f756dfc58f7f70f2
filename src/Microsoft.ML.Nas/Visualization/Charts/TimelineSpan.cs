namespace Microsoft.ML.Nas.Visualization.Charts;

/// <summary>One stretch of a <see cref="Timeline"/>: an epoch of a phase and how long it took.</summary>
/// <param name="Phase">"search" or "final".</param>
/// <param name="Epoch">The epoch within its phase, from 0.</param>
/// <param name="Seconds">Its wall time.</param>
internal sealed record TimelineSpan(string Phase, int Epoch, double Seconds);
