using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// A long ENAS search through <c>mlContext.Nas()</c> on the digits with the process's resident memory sampled at the
/// end of every search epoch: a leak of tensors or native objects shows as growth from epoch to epoch.
/// </summary>
internal static class SoakReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var mlContext = new MLContext(seed: 1);
        var train = MnistDigits.Load().TrainData(mlContext);
        var resident = new List<double>();
        var clock = Stopwatch.StartNew();
        // Fit logs each finished epoch while the search still holds its supernet: sampling there, not when the next
        // phase reports progress, keeps the last epoch's figure from including the supernet's release.
        mlContext.Log += (_, entry) =>
        {
            if (!entry.RawMessage.StartsWith(NasSearchHistory.SearchPhase + " epoch ", StringComparison.Ordinal))
            {
                return;
            }
            resident.Add(ProcessMemory.ResidentMiB());
            Console.WriteLine($"  search epoch {resident.Count,2}: resident {resident[^1],7:F0} MiB, peak {ProcessMemory.PeakResidentMiB(),7:F0} MiB, {clock.Elapsed.TotalSeconds,6:F0} s");
        };
        Console.WriteLine($"Soak: ENAS {options.Epochs} search epochs of {options.Steps} child steps on the digits, {threads} torch threads, device {options.Device}, " +
            $"release freed memory {options.ReleaseFreedMemory}");
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Nas().Enas(new EnasOptions
        {
            ImageShape = (1, MnistDigits.Side, MnistDigits.Side), Device = options.Device, Threads = options.Threads,
            Search = { Epochs = options.Epochs, ChildSteps = options.Steps, ReleaseFreedMemory = options.ReleaseFreedMemory },
            Final = { Epochs = 1, ReleaseFreedMemory = options.ReleaseFreedMemory },
        }));
        (pipeline.Fit(train) as IDisposable)?.Dispose();
        if (resident.Count >= 3)
        {
            // From epoch 2: the first epoch also grows the allocator's pools and the JIT's code.
            double growth = resident[^1] / resident[1] - 1;
            Console.WriteLine($"RESULT soak epochs={resident.Count} resident_epoch2_mib={resident[1]:F0} resident_last_mib={resident[^1]:F0} " +
                $"growth_epoch2_to_last={growth:P1} peak_mib={ProcessMemory.PeakResidentMiB():F0}");
        }
    }
}
