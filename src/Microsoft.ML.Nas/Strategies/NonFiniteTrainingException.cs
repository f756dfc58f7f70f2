using System.Globalization;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// Training produced a number that is NaN or infinite (a loss, a gradient norm, a reward or another reported value),
/// so <see cref="OneShotTrainer"/> stopped at that step instead of going on to return a model of NaN weights. The
/// message names the quantity, the phase, the epoch and the step (and the checkpoint written, where checkpoints are on).
/// </summary>
/// <remarks>
/// The checks read numbers the loop reads anyway (each step's loss, and the gradient norm that clipping computes), so
/// they add no host–device synchronisation. A gradient norm is checked before the optimizer steps, so the weights of
/// that step stay finite; with <see cref="OneShotTrainerOptions.GradientClip"/> off, only the loss is checked, after
/// the step.
/// </remarks>
public sealed class NonFiniteTrainingException : InvalidOperationException
{
    private readonly int? epochs;
    private readonly int? steps;

    /// <summary>A non-finite <paramref name="quantity"/> (e.g. "loss") whose place in the run is not known yet.</summary>
    public NonFiniteTrainingException(string quantity, double value)
        : this(quantity, value, null, null, null, null, null, null)
    {
    }

    /// <summary>An error without details.</summary>
    public NonFiniteTrainingException()
        : base("Training produced a non-finite value.")
    {
        Quantity = "value";
        Value = double.NaN;
    }

    /// <summary>An error with a message.</summary>
    public NonFiniteTrainingException(string message)
        : base(message)
    {
        Quantity = "value";
        Value = double.NaN;
    }

    /// <summary>An error with a message and its cause.</summary>
    public NonFiniteTrainingException(string message, Exception innerException)
        : base(message, innerException)
    {
        Quantity = "value";
        Value = double.NaN;
    }

    private NonFiniteTrainingException(string quantity, double value, string? phase, int? epoch, int? epochs, int? step, int? steps, string? checkpoint)
        : base(Describe(quantity, value, phase, epoch, epochs, step, steps, checkpoint))
    {
        Quantity = quantity;
        Value = value;
        Phase = phase;
        Epoch = epoch;
        Step = step;
        CheckpointDirectory = checkpoint;
        this.epochs = epochs;
        this.steps = steps;
    }

    /// <summary>What was not finite: "loss", "weight gradient norm", "architecture loss", "reward", ...</summary>
    public string Quantity { get; }

    /// <summary>The value found: NaN, +∞ or −∞.</summary>
    public double Value { get; }

    /// <summary>The phase of the epoch ("search", "child", "controller", "train", "validation"), when known.</summary>
    public string? Phase { get; }

    /// <summary>The epoch, from 0, when known.</summary>
    public int? Epoch { get; }

    /// <summary>The step within the phase, from 0, when known.</summary>
    public int? Step { get; }

    /// <summary>Where the state at the failure was written, when checkpoints are on.</summary>
    public string? CheckpointDirectory { get; }

    /// <summary>Throws when <paramref name="value"/> is NaN or infinite.</summary>
    /// <exception cref="NonFiniteTrainingException"><paramref name="value"/> is not finite.</exception>
    public static void ThrowIfNotFinite(double value, string quantity)
    {
        if (!double.IsFinite(value))
        {
            throw new NonFiniteTrainingException(quantity, value);
        }
    }

    /// <summary>The same error, placed at step <paramref name="step"/> of <paramref name="phase"/> in <paramref name="epoch"/>.</summary>
    internal NonFiniteTrainingException At(string phase, int epoch, int epochs, int? step, int? steps) =>
        new(Quantity, Value, phase, epoch, epochs, step, steps, CheckpointDirectory);

    /// <summary>The same error, saying that the state at the failure was written to <paramref name="directory"/>.</summary>
    internal NonFiniteTrainingException WithCheckpoint(string directory) =>
        new(Quantity, Value, Phase, Epoch, epochs, Step, steps, directory);

    private static string Describe(string quantity, double value, string? phase, int? epoch, int? epochs, int? step, int? steps, string? checkpoint)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"Training produced a non-finite {quantity} ({value})");
        if (phase is not null && epoch is { } e)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" in phase '{phase}' at epoch {e + 1}/{epochs}");
            if (step is { } s)
            {
                text += string.Create(CultureInfo.InvariantCulture, $", step {s + 1}/{steps}");
            }
        }
        text += ". The run was stopped so that no model of NaN weights is returned: look for extreme values in the data, " +
            "or lower the learning rate.";
        if (checkpoint is not null)
        {
            text += $" The state at the failure was written to '{checkpoint}'; the checkpoint of the last finished epoch is kept beside it.";
        }
        return text;
    }
}
