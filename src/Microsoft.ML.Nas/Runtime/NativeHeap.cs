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

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallocInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        public readonly nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }
}
