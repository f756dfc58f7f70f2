namespace Microsoft.ML.Nas.MLNet;

/// <summary>Where a NAS run stands: its phase (<c>search</c> or <c>final</c>), epoch and batch.</summary>
/// <param name="Phase">The phase running.</param>
/// <param name="Epoch">The epoch running, from 0.</param>
/// <param name="Epochs">The epochs of the phase.</param>
/// <param name="Batch">The batches done in this epoch.</param>
/// <param name="Batches">The batches of an epoch.</param>
public sealed record NasProgress(string Phase, int Epoch, int Epochs, long Batch, long Batches)
{
    /// <summary>
    /// The time left of <see cref="NasOptions.TimeBudget"/> (the whole Fit's), or of the phase's own budget where only
    /// that is set; null without a budget.
    /// </summary>
    public TimeSpan? TimeLeft { get; init; }

    /// <summary>The fraction of the phase done, in [0, 1].</summary>
    public double Fraction => Epochs == 0 || Batches == 0 ? 1 : Math.Clamp((Epoch + (double)Batch / Batches) / Epochs, 0, 1);
}
