using System.Runtime.InteropServices;

namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// Hands the C heap's free pages back to the operating system (glibc's <c>malloc_trim</c>), where libtorch keeps CPU
/// tensors.
/// </summary>
/// <remarks>
/// <para>Why: a search step allocates and frees gigabytes of activations, and glibc keeps freed blocks resident for
/// reuse. In the DARTS benchmark (<c>tests/Microsoft.ML.Nas.Benchmarks -- darts --config mnist-first</c>) only 70 MiB
/// were in use between steps while resident memory stayed at the step's peak. Most of the growth beyond that peak came
/// from small TorchSharp objects that only finalizers free, scattered among the freed blocks; training frees those
/// after every pass (<see cref="DroppedTorchObjects"/>). Releasing between passes then returns the rest; the price is
/// page faults when the pages are touched again, which is why training releases through
/// <see cref="NativeMemoryGuard"/> rather than after every pass.</para>
/// <para>Outside glibc (Windows, macOS, musl) there is no such call and <see cref="Release"/> does nothing. Neither
/// does it where jemalloc or tcmalloc replaced glibc's <c>malloc</c> (through <c>LD_PRELOAD</c>): libtorch's memory is
/// then theirs, and jemalloc, measured on the same 200-step DARTS run, keeps the peak flat by itself.</para>
/// </remarks>
internal static class NativeHeap
{
    private static readonly Lazy<bool> Supported = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether this process's C library can release free heap pages (Linux with glibc's own <c>malloc</c>).</summary>
    public static bool IsSupported => Supported.Value;

    /// <summary>Returns the heap's free pages to the operating system. Returns false where that is not supported.</summary>
    public static bool Release()
    {
        if (!IsSupported)
        {
            return false;
        }
        _ = MallocTrim(0);
        return true;
    }

    /// <summary>
    /// Blocks up to this size come from the heap rather than from fresh memory maps: glibc's largest allowed mmap
    /// threshold on 64-bit systems, the ceiling of its own dynamic threshold.
    /// </summary>
    internal const int MmapThresholdBytes = 32 << 20;

    /// <summary>
    /// Free memory at the heap's top that glibc keeps rather than returning to the system after each free: twice the
    /// mmap threshold, as glibc's dynamic thresholds pair them.
    /// </summary>
    internal const int TrimThresholdBytes = 64 << 20;

    /// <summary>
    /// Makes glibc serve tensor-sized blocks (up to <see cref="MmapThresholdBytes"/>) from its heap and keep up to
    /// <see cref="TrimThresholdBytes"/> free at its top, once per process, unless the user set either threshold
    /// (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c> or <c>GLIBC_TUNABLES</c>). Returns whether it set them.
    /// </summary>
    /// <remarks>
    /// Why: a step's activations are blocks of a few MiB, above glibc's initial 128 KiB mmap threshold. Such a block
    /// comes from a fresh memory map, whose pages the kernel faults in and zeroes on first touch, and goes back to the
    /// system when freed; glibc raises its thresholds when a mapped block is freed, but only to that block's size, and
    /// trims the heap's top past twice that, so steps whose blocks vary in size kept paying page faults. A ReLU's forward
    /// and backward on 64 × 16 × 28 × 28 floats took 1.78 ms, and 0.13 ms with the thresholds raised (the benchmarks'
    /// <c>op-layouts</c>); the SPOS step on the digits 18.4 ms, and 13.9 ms (<c>spos --config macro-mnist</c>). Memory freed this way stays
    /// resident for reuse; training hands it back between passes (<see cref="NativeMemoryGuard"/>), and the step
    /// benchmarks' peaks stayed within 3 %.
    /// </remarks>
    public static bool ServeTensorsFromHeap()
    {
        if (!IsSupported || UserSetThresholds())
        {
            return false;
        }
        try
        {
            return MallOpt(TrimThreshold, TrimThresholdBytes) == 1 && MallOpt(MmapThreshold, MmapThresholdBytes) == 1;
        }
        catch (Exception error) when (error is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    private static bool UserSetThresholds() =>
        Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
        || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
        || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is { } tunables
            && (tunables.Contains("malloc.mmap_threshold", StringComparison.Ordinal) || tunables.Contains("malloc.trim_threshold", StringComparison.Ordinal));

    /// <summary>This process's resident memory in bytes (the working set outside Linux).</summary>
    public static long ResidentBytes()
    {
        if (!OperatingSystem.IsLinux())
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return process.WorkingSet64;
        }
        // statm's second field is the resident size in pages.
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    /// <summary>
    /// glibc's own account of its heap, in bytes: in use by live allocations, free inside the heap (resident or
    /// already released by a trim), and in separate memory maps. Null where glibc's <c>mallinfo2</c> is absent.
    /// </summary>
    public static (long InUse, long Free, long Mapped)? Usage()
    {
        if (!IsSupported)
        {
            return null;
        }
        try
        {
            var info = MallInfo2();
            return ((long)info.Uordblks, (long)info.Fordblks, (long)info.Hblkhd);
        }
        catch (Exception error) when (error is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || AllocatorReplaced())
        {
            return false;
        }
        try
        {
            // Trimming with a huge pad releases nothing: a side-effect-free check that the entry point exists.
            _ = MallocTrim(nuint.MaxValue / 2);
            return true;
        }
        catch (Exception error) when (error is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    // jemalloc exports mallctl and tcmalloc tc_malloc; either in the process's global scope means malloc is theirs.
    private static bool AllocatorReplaced()
    {
        var process = NativeLibrary.GetMainProgramHandle();
        return NativeLibrary.TryGetExport(process, "mallctl", out _) || NativeLibrary.TryGetExport(process, "tc_malloc", out _);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    // glibc's malloc.h parameter numbers.
    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallocInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        public readonly nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }
}
