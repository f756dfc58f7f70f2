using Microsoft.ML.Nas.Strategies;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// Refuses the trainer settings an ML.NET Fit supplies itself. Silently overwriting them would leave two places that
/// seem to set the device or the seed, one of them ignored; a clear error says where the value goes instead.
/// </summary>
internal static class FitOwnedSettings
{
    /// <exception cref="ArgumentException">A setting Fit supplies is set; the message names it and where it goes.</exception>
    public static void Check(OneShotTrainerOptions options, string path)
    {
        Refuse(options.TrainData is null, path, nameof(options.TrainData), "Fit trains on the data it is given");
        Refuse(options.ValidData is null, path, nameof(options.ValidData), $"use {nameof(NasOptions)}.{nameof(NasOptions.ValidationData)}");
        Refuse(options.Device is null, path, nameof(options.Device), $"use {nameof(NasOptions)}.{nameof(NasOptions.Device)} or MLContext.GpuDeviceId");
        Refuse(options.Threads is null, path, nameof(options.Threads), $"use {nameof(NasOptions)}.{nameof(NasOptions.Threads)}");
        Refuse(options.Seed is null, path, nameof(options.Seed), $"use {nameof(NasOptions)}.{nameof(NasOptions.Seed)} or the MLContext's seed");
        Refuse(options.Log is null, path, nameof(options.Log), "Fit logs to MLContext.Log");
        Refuse(options.Progress is null, path, nameof(options.Progress), $"use {nameof(NasOptions)}.{nameof(NasOptions.Progress)}");
        Refuse(!options.CancellationToken.CanBeCanceled, path, nameof(options.CancellationToken),
            $"use {nameof(NasOptions)}.{nameof(NasOptions.CancellationToken)}");
    }

    private static void Refuse(bool unset, string path, string name, string instead)
    {
        if (!unset)
        {
            throw new ArgumentException($"{path}{name} is supplied by Fit and must be left unset: {instead}.", path + name);
        }
    }
}
