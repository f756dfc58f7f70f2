namespace Microsoft.ML.Nas.Strategies.Proxyless;

/// <summary>
/// Settings of a ProxylessNAS search, with NNI v1.9's defaults (<c>proxylessnas/</c> and the paper, arXiv 1812.00332)
/// scaled to small data: label smoothing 0.1, the path weights by Adam 1e-3 (betas 0, 0.999; no decay), one
/// architecture step every 5 weight steps, after <see cref="WeightOnlyEpochs"/> epochs of weights only (NNI: 25 of its
/// search; here 2 of the loop's 10). The architecture steps draw their batches from a stratified
/// <see cref="ArchitectureFraction"/> of the training data held out of the weight steps. The same object is the
/// ML.NET ProxylessNAS estimator's <c>Search</c> options.
/// </summary>
public sealed class ProxylessTrainerOptions : OneShotTrainerOptions
{
    /// <summary>Creates the options with ProxylessNAS's defaults where they differ from the loop's.</summary>
    public ProxylessTrainerOptions()
    {
        LabelSmoothing = 0.1;
    }

    /// <summary>Learning rate of the path weights' Adam; default 1e-3 (NNI's).</summary>
    public double ArchitectureLearningRate { get; set; } = 1e-3;

    /// <summary>Weight steps per architecture step; default 5 (NNI's).</summary>
    public int ArchitectureUpdateFrequency { get; set; } = 5;

    /// <summary>Epochs at the start that train the weights only; default 2 (NNI: 25 warm-up epochs); less than <see cref="OneShotTrainerOptions.Epochs"/>.</summary>
    public int WeightOnlyEpochs { get; set; } = 2;

    /// <summary>The fraction of the training data (stratified) the architecture steps draw from; default 0.2.</summary>
    public double ArchitectureFraction { get; set; } = 0.2;

    /// <summary>
    /// With <see cref="OneShotTrainerOptions.MaxLatency"/>, how the architecture step adds the expected latency
    /// E[lat] = fixed + Σ_key Σ_i p_i·lat_i (p the path probabilities softmax(α), lat the latency table's entries at
    /// <see cref="OneShotTrainerOptions.LatencyBatchSize"/>) to the cross-entropy, with MaxLatency as the target;
    /// default <see cref="LatencyLossForm.Multiplicative"/> (the authors' default). Without MaxLatency the loss is
    /// the cross-entropy alone.
    /// </summary>
    public LatencyLossForm LatencyLoss { get; set; } = LatencyLossForm.Multiplicative;

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.Positive(ArchitectureLearningRate, path + nameof(ArchitectureLearningRate));
        OptionCheck.Positive(ArchitectureUpdateFrequency, path + nameof(ArchitectureUpdateFrequency));
        OptionCheck.Require(WeightOnlyEpochs >= 0 && WeightOnlyEpochs < Epochs, path + nameof(WeightOnlyEpochs), WeightOnlyEpochs,
            $"at least 0 and less than {nameof(Epochs)} ({Epochs})");
        OptionCheck.Require(ArchitectureFraction is > 0 and < 1, path + nameof(ArchitectureFraction), ArchitectureFraction, "in (0, 1)");
        OptionCheck.Require(Enum.IsDefined(LatencyLoss), path + nameof(LatencyLoss), LatencyLoss, "Multiplicative or Additive");
        OptionCheck.Require(MaxLatency is null || LatencyLoss != LatencyLossForm.Multiplicative || MaxLatency.Value.TotalMilliseconds * 1000 > 1,
            path + nameof(MaxLatency), MaxLatency, "above 1 µs with the multiplicative latency loss (its logarithm is in microseconds)");
    }
}
