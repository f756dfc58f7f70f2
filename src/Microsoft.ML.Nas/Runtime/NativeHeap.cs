using System.Runtime.InteropServices;

namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// Hands the C heap's free pages back to the operating system (glibc's <c>malloc_trim</c>), where libtorch keeps CPU
/// tensors.
/// </summary>
/// <remarks>
/// <para>Why: a search step allocates and frees gigabytes of activations in a pattern that fragments glibc's heap.
/// Freed blocks stay resident, and blocks that no later request fits make the heap grow step after step. In the DARTS
/// benchmark (<c>tests/Microsoft.ML.Nas.Benchmarks -- darts --config mnist-first</c>) the live peak was about 1.7 GiB
/// while resident memory reached 2.8 GiB, with only 70 MiB in use between steps. Releasing between passes keeps the
/// peak near the live peak and resident memory flat; the price is page faults when the pages are touched again, which
/// is why training releases through <see cref="NativeMemoryGuard"/> rather than after every pass.</para>
/// <para>Outside glibc (Windows, macOS, musl) there is no such call and <see cref="Release"/> does nothing. Neither
/// does it where jemalloc or tcmalloc replaced glibc's <c>malloc</c> (through <c>LD_PRELOAD</c>): libtorch's memory is
/// then theirs, and jemalloc, measured on the same 200-step DARTS run, keeps the peak flat by itself.</para>
/// </remarks>
public static class NativeHeap
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
}
