using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// How well the latency table predicts (issue 15; target: a mean absolute percentage error of at most 15 % on the
/// CPU): a fresh table of a space's supernet (measured into a temporary cache, so nothing stale is read), then
/// <c>--random N</c> architectures drawn uniformly (the issue's figure uses 20), each built as a fixed network and timed
/// at batch 1 and at the scoring batch (256), beside the table's prediction. Timings need a quiet machine.
/// <c>--config</c> names the space: enas-macro (4 × 16, default), darts-cells (C 8, 3 cells) or mlp.
/// </summary>
internal static class LatencyPredictionReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var device = DeviceSelection.Resolve(options.Device);
        var space = (options.Config ?? "enas-macro") switch
        {
            "enas-macro" => BaselinesReport.EnasSpace(options),
            "darts-cells" => BaselinesReport.DartsSpace,
            "mlp" => SearchSpaces.Mlp(layers: 2, hidden: 128),
            var other => throw new ArgumentException($"latency --config takes enas-macro, darts-cells or mlp; got '{other}'."),
        };
        var context = new SpaceContext([1, MnistDigits.Side, MnistDigits.Side], MnistDigits.ClassCount);
        int[] batches = [1, LatencyTable.ScoringBatchSize];
        string cache = Path.Combine(Path.GetTempPath(), $"nas-latency-{Guid.NewGuid():N}");
        try
        {
            using var supernet = SearchSpaceRegistry.Build(space, context);
            supernet.to(device);
            var clock = Stopwatch.StartNew();
            var table = LatencyTable.Measure(supernet, context.SampleShape, device, threads, batches, cache);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency: {space}, device {device}, {threads} threads; table of batch {string.Join(" and ", batches)} measured in {clock.Elapsed.TotalSeconds:F1} s"));
            foreach (int batch in batches)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  batch {batch}: fixed part {table.FixedMilliseconds(batch):F3} ms, the fastest architecture {table.Smallest(batch).TotalMilliseconds:F3} ms"));
                var errors = new List<double>();
                var supernetErrors = new List<double>();
                for (int r = 0; r < options.RandomArchitectures; r++)
                {
                    using var mutator = new RandomMutator(supernet, seed: 2_000 + r);
                    var architecture = mutator.Export();
                    using var network = FixedArchitecture.Build(space, context, architecture);
                    network.to(device);
                    double predicted = table.Predict(architecture, batch).TotalMilliseconds;
                    double measured = LatencyTable.MeasureForward(network, context.SampleShape, batch, device, threads).TotalMilliseconds;
                    // The same architecture run on the supernet under its masks, as the table's own timings run: a gap
                    // between the two measurements is what the supernet's dispatch costs and the pruned network does not.
                    double onSupernet = LatencyTable.MeasureArchitecture(supernet, architecture, context.SampleShape, batch, device, threads).TotalMilliseconds;
                    errors.Add(Math.Abs(predicted - measured) / measured);
                    supernetErrors.Add(Math.Abs(predicted - onSupernet) / onSupernet);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  batch {batch} architecture {r + 1,2}: predicted {predicted,8:F3} ms  measured {measured,8:F3} ms  error {100 * errors[^1],5:F1} %  " +
                        $"(on the supernet under its masks {onSupernet,8:F3} ms)"));
                }
                var sorted = errors.Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT latency space={space.Kind} batch={batch} architectures={errors.Count} mape={100 * errors.Average():F1}% median_error={100 * sorted[sorted.Length / 2]:F1}% max_error={100 * sorted[^1]:F1}% target_met={errors.Average() <= 0.15} " +
                    $"mape_vs_supernet={100 * supernetErrors.Average():F1}%"));
            }
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }
}
