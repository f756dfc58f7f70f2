namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>Checks options when an estimator is made, so mistakes surface before any data is read.</summary>
internal static class NasOptionsChecks
{
    /// <exception cref="ArgumentException">An option is empty or out of range; the message names it.</exception>
    public static void Check(NasOptions options)
    {
        CheckColumn(options.FeatureColumnName, nameof(options.FeatureColumnName));
        CheckColumn(options.LabelColumnName, nameof(options.LabelColumnName));
        CheckColumn(options.ScoreColumnName, nameof(options.ScoreColumnName));
        CheckColumn(options.PredictedLabelColumnName, nameof(options.PredictedLabelColumnName));
        if (options.ScoreColumnName == options.PredictedLabelColumnName)
        {
            throw new ArgumentException($"ScoreColumnName and PredictedLabelColumnName are both '{options.ScoreColumnName}'; they must differ.", nameof(options));
        }
        Positive(options.FinalBatchSize, nameof(options.FinalBatchSize));
        Positive(options.FinalEpochs, nameof(options.FinalEpochs));
        if (options.FinalCutout < 0 || !(options.FinalDropPath is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                $"{nameof(options.FinalCutout)} must be 0 or more and {nameof(options.FinalDropPath)} in [0, 1); got {options.FinalCutout} and {options.FinalDropPath}.");
        }
        if (options.FinalShift < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(options.FinalShift)} must be 0 (off) or more; got {options.FinalShift}.");
        }
        if (!(options.FinalLearningRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FinalLearningRate, $"{nameof(options.FinalLearningRate)} must be positive.");
        }
        if (options.FinalWeightDecay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FinalWeightDecay, $"{nameof(options.FinalWeightDecay)} must be 0 or more.");
        }
        if (options.ImageShape is { } shape && (shape.Channels <= 0 || shape.Height <= 0 || shape.Width <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), shape, $"{nameof(options.ImageShape)} needs positive channels, height and width.");
        }
        if (options.Threads is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Threads, $"{nameof(options.Threads)} must be positive, or null for the default.");
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Device, nameof(options.Device));
    }

    /// <summary>Checks that an integer option is positive.</summary>
    public static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }

    private static void CheckColumn(string name, string option)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"{option} must name a column.", option);
        }
    }
}
