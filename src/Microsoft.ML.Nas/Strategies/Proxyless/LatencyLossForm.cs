namespace Microsoft.ML.Nas.Strategies.Proxyless;

/// <summary>
/// How ProxylessNAS's architecture step combines the cross-entropy CE with the expected latency E[lat] when
/// <see cref="OneShotTrainerOptions.MaxLatency"/> (the target T) is set: the two forms of the authors' code
/// (<c>mit-han-lab/proxylessnas</c>, <c>add_regularization_loss</c>).
/// </summary>
public enum LatencyLossForm
{
    /// <summary>
    /// The authors' default <c>mul#log</c>: CE · α · (log E[lat] / log T)^β with α = 0.2 and β = 0.6, the latencies in
    /// microseconds (the form depends on the unit: the authors' milliseconds suit their 80 ms phones, microseconds suit
    /// networks that take a millisecond).
    /// </summary>
    Multiplicative,

    /// <summary>The authors' <c>add#linear</c>: CE + λ · (E[lat] − T) / T with λ = 0.1 (their search script's default).</summary>
    Additive,
}
