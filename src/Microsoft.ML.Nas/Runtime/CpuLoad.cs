using System.Globalization;

namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// One reading of the processors' clocks: what the whole machine spent busy and in total, and what this process spent,
/// all in the kernel's clock ticks. Two readings tell how many processors <em>other</em> processes kept busy between them.
/// </summary>
internal readonly record struct CpuSample(long MachineBusyTicks, long MachineTotalTicks, long ProcessTicks, int Processors)
{
    /// <summary>
    /// How many processors other processes (and a hypervisor's steal) kept busy between <paramref name="earlier"/> and
    /// this reading, on average; 0 when no time passed.
    /// </summary>
    public double OthersBusyProcessorsSince(CpuSample earlier)
    {
        long total = MachineTotalTicks - earlier.MachineTotalTicks;
        if (total <= 0)
        {
            return 0;
        }
        // Ticks are summed over all processors, so a share of the total times the count is a number of processors.
        long others = MachineBusyTicks - earlier.MachineBusyTicks - (ProcessTicks - earlier.ProcessTicks);
        return Math.Max(0, (double)others / total * Processors);
    }
}

/// <summary>Where the readings come from; the tests replace it to play a load.</summary>
internal interface ICpuLoadReader
{
    /// <summary>A reading now, or null where the platform gives none.</summary>
    CpuSample? Read();
}

/// <summary>Readings from Linux's <c>/proc/stat</c> (the machine) and <c>/proc/self/stat</c> (this process).</summary>
internal sealed class ProcCpuLoadReader : ICpuLoadReader
{
    public static readonly ProcCpuLoadReader Instance = new();

    public CpuSample? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            var (busy, total, processors) = ParseMachine(File.ReadAllLines("/proc/stat"));
            long process = ParseProcess(File.ReadAllText("/proc/self/stat"));
            return processors > 0 ? new CpuSample(busy, total, process, processors) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The aggregate <c>cpu</c> line's busy and total ticks and the number of <c>cpuN</c> lines. Busy is user, nice,
    /// system, irq, softirq and steal; idle and iowait are free time (guest time is already inside user).
    /// </summary>
    internal static (long Busy, long Total, int Processors) ParseMachine(IReadOnlyList<string> lines)
    {
        long busy = 0, total = 0;
        int processors = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                long Field(int index) => index < fields.Length ? long.Parse(fields[index], CultureInfo.InvariantCulture) : 0;
                long user = Field(1), nice = Field(2), system = Field(3), idle = Field(4), iowait = Field(5), irq = Field(6), softirq = Field(7), steal = Field(8);
                busy = user + nice + system + irq + softirq + steal;
                total = busy + idle + iowait;
            }
            else if (line.StartsWith("cpu", StringComparison.Ordinal) && line.Length > 3 && char.IsAsciiDigit(line[3]))
            {
                processors++;
            }
        }
        return (busy, total, processors);
    }

    /// <summary>utime + stime of <c>/proc/self/stat</c>: fields 14 and 15, counted after the parenthesised command name (which may hold spaces).</summary>
    internal static long ParseProcess(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is the state, field 3 of the file; utime and stime are fields 14 and 15.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
