using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Tests.Strategies.Darts;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Runtime;

/// <summary>An unpinned thread count follows the load other processes put on the machine; a pinned one never moves.</summary>
[TestClass]
public sealed class ThreadGovernorTests
{
    private ICpuLoadReader quiet = null!;
    private TimeSpan interval;

    [TestInitialize]
    public void RememberTheQuietMachine()
    {
        quiet = ThreadGovernor.Reader;
        interval = ThreadGovernor.Interval;
        // A reading at every step, so a few steps show what seconds of training would.
        ThreadGovernor.Interval = TimeSpan.Zero;
    }

    [TestCleanup]
    public void BackToTheQuietMachine()
    {
        ThreadGovernor.Reader = quiet;
        ThreadGovernor.Interval = interval;
    }

    [TestMethod]
    public void Proc_stat_lines_give_busy_and_total_ticks_and_the_processor_count()
    {
        string[] stat =
        [
            "cpu  100 5 50 1000 20 3 2 7 0 0",
            "cpu0 50 2 25 500 10 1 1 3 0 0",
            "cpu1 50 3 25 500 10 2 1 4 0 0",
            "intr 12345 0 0",
            "ctxt 999",
        ];
        var (busy, total, processors) = ProcCpuLoadReader.ParseMachine(stat);

        Assert.AreEqual(100 + 5 + 50 + 3 + 2 + 7, busy, "user, nice, system, irq, softirq, steal");
        Assert.AreEqual(busy + 1000 + 20, total, "busy + idle + iowait");
        Assert.AreEqual(2, processors);
        Assert.AreEqual(17L + 4, ProcCpuLoadReader.ParseProcess("4242 (a (b) c) R 1 2 3 4 5 6 7 8 9 10 17 4 0 0 20 0"),
            "utime + stime, counted after the command name, which may hold spaces and parentheses");
    }

    [TestMethod]
    public void Others_busy_processors_subtract_this_process_and_scale_by_the_processor_count()
    {
        var before = new CpuSample(MachineBusyTicks: 1_000, MachineTotalTicks: 10_000, ProcessTicks: 300, Processors: 4);
        // 400 of 800 ticks busy, 100 of them ours: others kept 300 / 800 of 4 processors = 1.5 busy.
        var after = new CpuSample(1_400, 10_800, 400, 4);

        Assert.AreEqual(1.5, after.OthersBusyProcessorsSince(before), 1e-12);
        Assert.AreEqual(0, before.OthersBusyProcessorsSince(before), "no time passed");
    }

    [TestMethod]
    public void The_target_is_the_free_processors_from_one_to_the_maximum()
    {
        Assert.AreEqual(2, ThreadGovernor.Target(othersBusy: 0.05, processors: 2, maximum: 2), "daemons cost no thread");
        Assert.AreEqual(1, ThreadGovernor.Target(1.0, 2, 2), "one competing process takes one of two cores");
        Assert.AreEqual(1, ThreadGovernor.Target(0.5, 2, 2), "half a core taken is a core taken");
        Assert.AreEqual(1, ThreadGovernor.Target(3.0, 2, 2), "never fewer than one");
        Assert.AreEqual(8, ThreadGovernor.Target(40, 64, 8), "a big machine's load leaves the maximum free");
        Assert.AreEqual(4, ThreadGovernor.Target(4, 8, 8));
    }

    [TestMethod]
    public void An_unpinned_count_drops_while_another_process_is_busy_and_returns_when_it_stops()
    {
        int processors = TorchRuntime.DefaultThreadCount;
        if (processors < 2)
        {
            Assert.Inconclusive("one usable processor: the count cannot drop below it");
        }
        var load = new PlayedCpuLoad(othersBusy: processors - 1, processors);
        ThreadGovernor.Reader = load;
        var (threadsPerStep, lines) = Train(threads: null, steps: 12, load, stopLoadAfterStep: 6);

        Assert.AreEqual(processors, threadsPerStep[0], "the first step runs before any reading can compare");
        int dropped = threadsPerStep.IndexOf(1);
        Assert.IsTrue(dropped is > 0 and <= 4, $"one thread within two agreeing readings of the load; threads per step {string.Join(",", threadsPerStep)}");
        Assert.IsTrue(threadsPerStep.Skip(dropped).Take(6 - dropped).All(t => t == 1), $"it stays at one while the load lasts: {string.Join(",", threadsPerStep)}");
        Assert.AreEqual(processors, threadsPerStep[^1], $"back to every processor once the load stops: {string.Join(",", threadsPerStep)}");
        Assert.IsTrue(lines.Any(l => l.StartsWith($"Threads: {processors} -> 1 (other processes keep", StringComparison.Ordinal)), "the change is logged");
        Assert.AreEqual(processors, get_num_threads(), "the count is restored when training ends");
    }

    [TestMethod]
    public void A_pinned_count_never_moves_and_reads_no_load()
    {
        var load = new PlayedCpuLoad(othersBusy: 1, processors: 2);
        ThreadGovernor.Reader = load;
        var (threadsPerStep, lines) = Train(threads: 2, steps: 8, load, stopLoadAfterStep: int.MaxValue);

        Assert.IsTrue(threadsPerStep.All(t => t == 2), string.Join(",", threadsPerStep));
        Assert.AreEqual(0, load.Readings);
        Assert.IsFalse(lines.Any(l => l.StartsWith("Threads:", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void The_real_proc_readings_count_the_processors_and_advance()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("/proc is Linux's");
        }
        var first = ProcCpuLoadReader.Instance.Read();
        double sink = 0;
        for (int i = 0; i < 20_000_000; i++)
        {
            sink += Math.Sqrt(i);
        }
        Thread.Sleep(50);
        var second = ProcCpuLoadReader.Instance.Read();

        Assert.IsNotNull(first);
        Assert.IsNotNull(second);
        Assert.IsTrue(second.Value.Processors >= 1 && second.Value.Processors >= Environment.ProcessorCount / 2, $"{second.Value.Processors} processors");
        Assert.IsTrue(second.Value.MachineTotalTicks > first.Value.MachineTotalTicks, "clock ticks advance");
        Assert.IsTrue(second.Value.ProcessTicks > first.Value.ProcessTicks, $"this process's own ticks advance after busy work ({sink:E1})");
        double others = second.Value.OthersBusyProcessorsSince(first.Value);
        Assert.IsTrue(others >= 0 && others <= second.Value.Processors, $"others keep {others} processors busy");
    }

    /// <summary>A short DARTS search on the CPU; the thread count libtorch had at each step, and the log.</summary>
    private static (List<int> ThreadsPerStep, List<string> Lines) Train(int? threads, int steps, PlayedCpuLoad load, int stopLoadAfterStep)
    {
        var threadsPerStep = new List<int>();
        var lines = new List<string>();
        var progress = new InlineProgress<OneShotProgress>(report =>
        {
            if (report.Phase != "epoch")
            {
                threadsPerStep.Add(get_num_threads());
                if (threadsPerStep.Count == stopLoadAfterStep)
                {
                    load.OthersBusy = 0;
                }
            }
        });
        int rows = 16 * steps;
        using var data = TensorDataset.FromArrays([.. Enumerable.Range(0, rows * 6).Select(i => (float)Math.Sin(i))], [6],
            [.. Enumerable.Range(0, rows).Select(i => (long)(i % 2))], CPU, 2);
        using var model = new EdgeNet(6, 4, 2);
        using var trainer = new DartsTrainer(model, new DartsTrainerOptions
        {
            TrainData = data, Device = "cpu", Threads = threads, Epochs = 1, BatchSize = 8, Progress = progress, Log = lines.Add,
        });
        trainer.Train();
        Assert.AreEqual(steps, threadsPerStep.Count, "one report per step (DARTS trains on half the rows)");
        return (threadsPerStep, lines);
    }
}
