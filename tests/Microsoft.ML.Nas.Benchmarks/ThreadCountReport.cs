namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Plain CNN training steps with 1, 2 and 4 threads and libtorch's own default, interleaved round by round so that
/// noise on a shared machine hits every setting alike.
/// </summary>
internal static class ThreadCountReport
{
    public static void Run(BenchmarkArguments options)
    {
        int libtorchDefault = TorchSharp.torch.get_num_threads();
        int[] settings = [1, 2, 4, libtorchDefault];
        var settingsToRun = settings.Distinct().ToArray();
        Console.WriteLine($"threads: libtorch default {libtorchDefault}, processors {Environment.ProcessorCount}; settings {string.Join(", ", settingsToRun)}");
        var results = settingsToRun.ToDictionary(s => s, _ => new List<double>());
        for (int round = 0; round < options.Rounds; round++)
        {
            foreach (int threads in settingsToRun)
            {
                results[threads].Add(PlainCnnBenchmark.Run(threads, options.Warmup, options.Steps, options.Device).TrainMedian);
            }
        }
        double best = results.Values.Min(StepTimer.Median);
        foreach (var (threads, medians) in results)
        {
            Console.WriteLine($"RESULT threads={threads} train_ms={StepTimer.Median(medians):F2} ratio_to_best={StepTimer.Median(medians) / best:F2}");
        }
    }
}
