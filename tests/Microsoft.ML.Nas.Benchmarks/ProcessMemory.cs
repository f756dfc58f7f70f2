namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>Reads this process's resident memory from /proc (Linux); elsewhere falls back to the working set.</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set size in MiB (VmHWM).</summary>
    public static double PeakResidentMiB() => ReadStatusKiB("VmHWM:") / 1024.0;

    /// <summary>Current resident set size in MiB (VmRSS).</summary>
    public static double ResidentMiB() => ReadStatusKiB("VmRSS:") / 1024.0;

    /// <summary>glibc's native heap in MiB: in use, free inside the heap (resident, or already released by a trim) and mmapped; null off glibc.</summary>
    public static (double InUse, double Free, double Mapped)? NativeHeapMiB()
    {
        const double MiB = 1024.0 * 1024.0;
        return Runtime.NativeHeap.Usage() is { } usage ? (usage.InUse / MiB, usage.Free / MiB, usage.Mapped / MiB) : null;
    }

    private static double ReadStatusKiB(string field)
    {
        if (!OperatingSystem.IsLinux())
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return (field == "VmHWM:" ? process.PeakWorkingSet64 : process.WorkingSet64) / 1024.0;
        }
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return double.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
