namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// The weights' learning rate along training: a cosine from <see cref="OneShotTrainerOptions.LearningRate"/> to
/// <see cref="OneShotTrainerOptions.MinLearningRate"/>, stepped once per epoch (as NNI does) without warm-up, and per
/// step after a linear warm-up of <see cref="OneShotTrainerOptions.WarmupEpochs"/> when there is one.
/// </summary>
internal static class LearningRateSchedule
{
    /// <summary>
    /// The rate of step <paramref name="step"/> (from 0) of the <paramref name="steps"/> steps of <paramref name="epoch"/>
    /// of a training of <paramref name="epochs"/> epochs.
    /// </summary>
    public static double At(OneShotTrainerOptions options, int epochs, int epoch, int step, int steps)
    {
        double warmup = options.WarmupEpochs;
        if (warmup <= 0)
        {
            // Written as it always was, so runs without warm-up keep their rates to the last bit.
            return Cosine(options, epoch, epochs);
        }
        double perEpoch = Math.Max(1, steps);
        double done = epoch + step / perEpoch;
        if (done < warmup)
        {
            // Counting this step, so the first step moves the weights a little (LearningRate / warm-up steps) rather than not at all.
            return options.LearningRate * Math.Min(1, (done + 1 / perEpoch) / warmup);
        }
        return Cosine(options, done - warmup, Math.Max(epochs - warmup, done - warmup + 1e-9));
    }

    private static double Cosine(OneShotTrainerOptions options, double done, double total) =>
        options.MinLearningRate + (options.LearningRate - options.MinLearningRate) * (1 + Math.Cos(Math.PI * done / total)) / 2;
}
