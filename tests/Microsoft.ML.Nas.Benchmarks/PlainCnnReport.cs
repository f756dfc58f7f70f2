namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>The foundation baseline: plain CNN step times over several rounds, then the median of the round medians.</summary>
internal static class PlainCnnReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = options.Threads ?? Runtime.TorchRuntime.DefaultThreadCount;
        Console.WriteLine($"plain-cnn: batch 64, {options.Warmup} warm-up + {options.Steps} timed steps, {options.Rounds} rounds, {threads} threads, device {options.Device}");
        var train = new List<double>();
        var inference = new List<double>();
        for (int round = 0; round < options.Rounds; round++)
        {
            var (t, i) = PlainCnnBenchmark.Run(threads, options.Warmup, options.Steps, options.Device);
            train.Add(t);
            inference.Add(i);
        }
        Console.WriteLine($"RESULT csharp train_ms={StepTimer.Median(train):F2} infer_ms={StepTimer.Median(inference):F2} peak_rss_mib={ProcessMemory.PeakResidentMiB():F0}");
    }
}
