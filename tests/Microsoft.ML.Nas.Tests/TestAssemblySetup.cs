using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Tests;

/// <summary>Process-wide settings of the test run.</summary>
[TestClass]
public static class TestAssemblySetup
{
    /// <summary>
    /// Many tests compare two seeded runs bit for bit. The thread governor would lower libtorch's threads whenever the
    /// machine running the tests is busy, and a run that changes its count sums differently, so every test sees a quiet
    /// machine; <c>ThreadGovernorTests</c> plays its loads explicitly and reads the real <c>/proc</c> once.
    /// </summary>
    [AssemblyInitialize]
    public static void SeeAQuietMachine(TestContext _) => ThreadGovernor.Reader = new PlayedCpuLoad(othersBusy: 0, processors: Environment.ProcessorCount);
}

/// <summary>Readings as if other processes kept <see cref="OthersBusy"/> processors busy and this one another one; changeable mid-run.</summary>
internal sealed class PlayedCpuLoad(double othersBusy, int processors) : ICpuLoadReader
{
    private const long TicksPerReading = 1000;
    private long machineBusy, machineTotal, process;

    public double OthersBusy { get; set; } = othersBusy;

    public int Readings { get; private set; }

    public CpuSample? Read()
    {
        Readings++;
        machineTotal += TicksPerReading * processors;
        long others = (long)Math.Round(OthersBusy * TicksPerReading), own = TicksPerReading / 2;
        machineBusy += others + own;
        process += own;
        return new CpuSample(machineBusy, machineTotal, process, processors);
    }
}
