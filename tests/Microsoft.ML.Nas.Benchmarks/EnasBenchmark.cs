namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// ENAS step times through the real strategy (<see cref="EnasStepSession"/>): child steps and controller steps, each
/// as the loop runs it (one dispose scope per step), plus resident memory across the child steps.
/// </summary>
internal static class EnasBenchmark
{
    public sealed record Result(double ChildMs, double ControllerMs, double PeakMiB, double ResidentAfterWarmupMiB, double ResidentAtEndMiB);

    public static Result Run(EnasBenchmarkConfig config, int threads, int warmup, int childSteps, int controllerWarmup, int controllerSteps, string device,
        bool releaseFreedMemory, double freedMemorySlack)
    {
        using var session = new EnasStepSession(config, device, threads, releaseFreedMemory, freedMemorySlack);
        double residentAfterWarmup = 0;
        int done = 0;
        var trace = new List<string>();
        var childTimes = StepTimer.Measure(() =>
        {
            session.ChildStep();
            if (++done == warmup + 20)
            {
                residentAfterWarmup = ProcessMemory.ResidentMiB();
            }
            if ((done - warmup) % 50 == 0 && done > warmup)
            {
                trace.Add($"{done - warmup}:{ProcessMemory.ResidentMiB():F0}");
            }
        }, warmup, childSteps, session.Device);
        double residentAtEnd = ProcessMemory.ResidentMiB();
        Console.WriteLine($"  {config.Name}: resident MiB by timed child step: {string.Join(" ", trace)}");
        var controllerTimes = StepTimer.Measure(session.ControllerStep, controllerWarmup, controllerSteps, session.Device);
        Console.WriteLine($"  {config.Name}: child step {StepTimer.Describe(childTimes)}; controller step {StepTimer.Describe(controllerTimes)}; " +
            $"memory releases {session.Trainer.Loop.Context.MemoryGuard?.Releases ?? 0}");
        return new Result(StepTimer.Median(childTimes), StepTimer.Median(controllerTimes), ProcessMemory.PeakResidentMiB(), residentAfterWarmup, residentAtEnd);
    }
}
