using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// Where and under what conditions a training runs: the device, libtorch's thread count, the seed, cancellation,
/// progress and log. Resolved once (per trainer from its options, or once per ML.NET Fit for the search and the final
/// training together) and read by the loop and its strategy, so no layer turns the device back into text or sets the
/// threads again.
/// </summary>
public sealed record TrainingEnvironment
{
    private TrainingEnvironment(Device device, int threads, long seed, CancellationToken cancellationToken)
    {
        Device = device;
        Threads = threads;
        Seed = seed;
        CancellationToken = cancellationToken;
    }

    /// <summary>The device the model and data live on.</summary>
    public Device Device { get; }

    /// <summary>
    /// libtorch's intra-op thread count, as configured when the environment was resolved. Unless the options pinned it,
    /// training on the CPU lowers it while other processes keep processors busy (see <c>TorchRuntime.DefaultThreadCount</c>).
    /// </summary>
    public int Threads { get; }

    /// <summary>Adapts the thread count to the machine's load before each step, or keeps it where it was pinned.</summary>
    internal ThreadGovernor Threading { get; private init; } = null!;

    /// <summary>Seed of torch's generators (the CPU's and every GPU's), of batch shuffles and splits, and of the strategies' own samplers.</summary>
    public long Seed { get; }

    /// <summary>Checked once before every step: a cancelled token stops training with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Receives a report after each step and at the end of each epoch; null for none.</summary>
    public IProgress<OneShotProgress>? Progress { get; private init; }

    /// <summary>Receives log lines; null for none.</summary>
    public Action<string>? Log { get; private init; }

    /// <summary>
    /// Loads the native backend, configures libtorch's threads (<paramref name="threads"/>, or
    /// <see cref="TorchRuntime.DefaultThreadCount"/> when null) and resolves <paramref name="device"/> with
    /// <see cref="DeviceSelection.Resolve"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The device option is not one of the accepted forms.</exception>
    /// <exception cref="InvalidOperationException">CUDA was requested but is not available.</exception>
    internal static TrainingEnvironment Resolve(string? device, int? threads, long seed, CancellationToken cancellationToken,
        IProgress<OneShotProgress>? progress, Action<string>? log)
    {
        TorchRuntime.EnsureAvailable();
        int count = TorchRuntime.ConfigureThreads(threads);
        var resolved = DeviceSelection.Resolve(device);
        // Only an unpinned count on the CPU follows the load: on CUDA the host threads only launch kernels.
        var threading = threads is null && resolved.type == DeviceType.CPU ? ThreadGovernor.Adaptive(count, log) : ThreadGovernor.Fixed(count);
        return new TrainingEnvironment(resolved, count, seed, cancellationToken) { Progress = progress, Log = log, Threading = threading };
    }

    /// <summary>The environment a plain-TorchSharp trainer's options describe.</summary>
    internal static TrainingEnvironment From(OneShotTrainerOptions options) =>
        Resolve(options.Device, options.Threads, options.Seed ?? 0, options.CancellationToken, options.Progress, options.Log);

    /// <summary>The same environment reporting progress to <paramref name="progress"/> (one per phase of a Fit).</summary>
    internal TrainingEnvironment WithProgress(IProgress<OneShotProgress>? progress) => this with { Progress = progress };
}
