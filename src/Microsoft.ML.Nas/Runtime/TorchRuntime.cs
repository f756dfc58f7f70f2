using TorchSharp;

namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// The process-wide TorchSharp settings this library relies on: a checked load of the native backend (which also
/// raises glibc's malloc thresholds for tensor-sized blocks, <c>NativeHeap.ServeTensorsFromHeap</c>) and the number
/// of intra-op threads libtorch uses.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoadNativeBackend, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The thread count used when an option leaves it unset: the number of processors this process may use, at most 8.
    /// </summary>
    /// <remarks>
    /// Measured with <c>tests/Microsoft.ML.Nas.Benchmarks -- threads</c>: on a 2-core machine a small CNN training step
    /// runs fastest with 2 threads; beyond the usable processors libtorch's workers only contend with each other
    /// (a prototype ran ~15× slower), and past 8 threads small NAS batches stop scaling. Training lowers an unpinned
    /// count while other processes keep processors busy (<c>ThreadGovernor</c>).
    /// </remarks>
    public static int DefaultThreadCount => Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>
    /// Loads TorchSharp's native backend, or throws an exception that says what is missing and how to fix it
    /// (instead of the bare <see cref="DllNotFoundException"/> or <see cref="TypeInitializationException"/> TorchSharp raises).
    /// Cheap after the first call.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The C++ runtime is older than TorchSharp's native library needs.</exception>
    /// <exception cref="InvalidOperationException">The native backend could not be loaded for another reason.</exception>
    public static void EnsureAvailable()
    {
        if (LoadFailure.Value is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// Sets libtorch's intra-op thread count: <paramref name="threads"/> when given, else <see cref="DefaultThreadCount"/>.
    /// Returns the count in effect. On CUDA it governs only the host-side ops (a step's work runs as kernels).
    /// </summary>
    public static int ConfigureThreads(int? threads = null)
    {
        if (threads is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "The thread count must be positive, or null for the default.");
        }
        EnsureAvailable();
        int count = threads ?? DefaultThreadCount;
        if (torch.get_num_threads() != count)
        {
            torch.set_num_threads(count);
        }
        return count;
    }

    /// <summary>
    /// Seeds libtorch's default generators with <paramref name="seed"/>: the CPU's and, where CUDA is available, every
    /// GPU's. TorchSharp 0.107's <c>torch.random.manual_seed</c> seeds the CPU's generator only (unlike PyTorch's
    /// <c>torch.manual_seed</c>), so draws made on a GPU (drop-path's masks, dropout) would not follow the seed.
    /// </summary>
    internal static void ManualSeed(long seed)
    {
        EnsureAvailable();
        torch.random.manual_seed(seed);
        if (torch.cuda.is_available())
        {
            torch.cuda.manual_seed_all(seed);
        }
    }

    private static Exception? TryLoadNativeBackend()
    {
        try
        {
            // Touching torch runs its static constructor, which loads libLibTorchSharp and libtorch.
            _ = torch.get_num_threads();
            NativeHeap.ServeTensorsFromHeap();
            return null;
        }
        catch (Exception error) when (error is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException)
        {
            return NativeRuntimeDiagnosis.Explain(error);
        }
    }
}
