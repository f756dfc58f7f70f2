using Microsoft.ML.Nas.Strategies.Darts;

namespace Microsoft.ML.Nas.Strategies.Gdas;

/// <summary>
/// Settings of a GDAS search (Dong and Yang, arXiv 1910.04465): the Gumbel-softmax temperature falls linearly from
/// <see cref="InitialTemperature"/> (10) to <see cref="FinalTemperature"/> (0.1) over the epochs, as in the paper; the
/// rest are DARTS's settings (<see cref="DifferentiableTrainerOptions"/>; NNI's defaults, 10 epochs). The same object
/// is the ML.NET GDAS estimator's <c>Search</c> options.
/// </summary>
public sealed class GdasTrainerOptions : DifferentiableTrainerOptions
{
    /// <summary>The temperature τ of the first epoch; default 10.</summary>
    public double InitialTemperature { get; set; } = 10;

    /// <summary>The temperature τ of the last epoch; default 0.1.</summary>
    public double FinalTemperature { get; set; } = 0.1;

    /// <summary>
    /// The temperature of epoch <paramref name="epoch"/> (from 0): linear per epoch, as GDAS's reference code anneals it,
    /// from <see cref="InitialTemperature"/> at the first epoch to <see cref="FinalTemperature"/> at the last (a
    /// one-epoch search stays at the initial temperature).
    /// </summary>
    public double TemperatureAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (Epochs <= 1)
        {
            return InitialTemperature;
        }
        double progress = Math.Min(epoch, Epochs - 1) / (double)(Epochs - 1);
        return InitialTemperature + (FinalTemperature - InitialTemperature) * progress;
    }

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.Positive(InitialTemperature, path + nameof(InitialTemperature));
        OptionCheck.Positive(FinalTemperature, path + nameof(FinalTemperature));
    }
}
