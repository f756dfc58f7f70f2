using System.Diagnostics;
using System.Globalization;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// ENAS (macro-mnist) child and controller steps on a quiet machine and beside one competing core-bound process that
/// the benchmark starts itself, with the thread count left to the library (it follows the load) and pinned to every
/// processor (what the library did before), interleaved round by round. The targets: under load a step within 2.5× of
/// its quiet time, and on a quiet machine within 5 % of the pinned count.
/// </summary>
internal static class BusyMachineReport
{
    public static void Run(BenchmarkArguments options)
    {
        var config = EnasBenchmarkConfig.Find(options.Config ?? "macro-mnist");
        int pinned = options.Threads ?? Runtime.TorchRuntime.DefaultThreadCount;
        int childSteps = Math.Max(options.Steps, 20), controllerSteps = Math.Max(options.Steps / 8, 5);
        Console.WriteLine($"busy-threads: {config.Name}, device {options.Device}, {options.Rounds} rounds; each: 3 s of warm-up steps " +
            $"(the library reads the load every second), {childSteps} child and {controllerSteps} controller steps timed; pinned = {pinned} threads");
        var settings = new (string Name, int? Threads)[] { ("library", null), ($"pinned-{pinned}", pinned) };
        var results = new Dictionary<(string Setting, string Load), (List<double> Child, List<double> Controller)>();
        for (int round = 0; round < options.Rounds; round++)
        {
            foreach (bool busy in new[] { false, true })
            {
                using var competitor = busy ? CompetingProcess.Start() : null;
                foreach (var (name, threads) in settings)
                {
                    var (child, controller, finalThreads) = Measure(config, threads, options.Device, childSteps, controllerSteps);
                    string load = busy ? "busy" : "quiet";
                    if (!results.TryGetValue((name, load), out var lists))
                    {
                        results[(name, load)] = lists = ([], []);
                    }
                    lists.Child.Add(child);
                    lists.Controller.Add(controller);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  round {round + 1} {load} {name}: child {child:F1} ms, controller {controller:F0} ms, threads at the end {finalThreads}"));
                }
            }
        }
        double Median(string setting, string load, bool controller) =>
            StepTimer.Median(controller ? results[(setting, load)].Controller : results[(setting, load)].Child);
        foreach (var (name, _) in settings)
        {
            foreach (bool controller in new[] { false, true })
            {
                string step = controller ? "controller" : "child";
                double quiet = Median(name, "quiet", controller), busy = Median(name, "busy", controller);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT setting={name} step={step} quiet_ms={quiet:F1} busy_ms={busy:F1} busy_over_quiet={busy / quiet:F2} " +
                    $"quiet_over_pinned_quiet={quiet / Median(settings[1].Name, "quiet", controller):F3}"));
            }
        }
    }

    private static (double ChildMs, double ControllerMs, int FinalThreads) Measure(EnasBenchmarkConfig config, int? threads, string device, int childSteps, int controllerSteps)
    {
        using var session = new EnasStepSession(config, device, threads);
        // What the loop does before each step: the thread count follows the load unless it was pinned.
        var threading = session.Trainer.Loop.Environment.Threading;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(3))
        {
            threading.BeforeStep();
            session.ChildStep();
        }
        var child = StepTimer.Measure(() => { threading.BeforeStep(); session.ChildStep(); }, 0, childSteps, session.Device);
        var controller = StepTimer.Measure(() => { threading.BeforeStep(); session.ControllerStep(); }, 1, controllerSteps, session.Device);
        return (StepTimer.Median(child), StepTimer.Median(controller), TorchSharp.torch.get_num_threads());
    }

    /// <summary>A shell spinning on one core, stopped (with its process) when disposed.</summary>
    private sealed class CompetingProcess : IDisposable
    {
        private readonly Process process;

        private CompetingProcess(Process process) => this.process = process;

        public static CompetingProcess Start()
        {
            var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("/bin/sh did not start.");
            return new CompetingProcess(process);
        }

        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }
    }
}
