using Microsoft.ML.Nas.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Forward + backward of the search spaces' 3×3 pools (stride 1, padding 1) on NCHW tensors, run by libtorch's NCHW
/// kernel and by its channels-last kernel (the copies into and out of channels-last included), interleaved round by
/// round. The shapes are the DARTS and ENAS benchmark configurations' activations.
/// </summary>
internal static class PoolLayoutReport
{
    private static readonly long[][] Shapes = [[64, 8, 28, 28], [32, 8, 32, 32], [32, 16, 32, 32], [64, 16, 28, 28]];

    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        Console.WriteLine($"pool-layout: {threads} threads, {options.Rounds} rounds of {options.Steps} calls");
        foreach (var shape in Shapes)
        {
            foreach (bool max in new[] { true, false })
            {
                var nchw = new List<double>();
                var channelsLast = new List<double>();
                for (int round = 0; round < options.Rounds; round++)
                {
                    nchw.Add(Time(shape, max, viaChannelsLast: false, options));
                    channelsLast.Add(Time(shape, max, viaChannelsLast: true, options));
                }
                double a = StepTimer.Median(nchw), b = StepTimer.Median(channelsLast);
                Console.WriteLine($"RESULT pool={(max ? "max" : "avg")} shape={string.Join('x', shape)} nchw_ms={a:F3} channels_last_ms={b:F3} ratio={b / a:F2}");
            }
        }
    }

    private static double Time(long[] shape, bool max, bool viaChannelsLast, BenchmarkArguments options)
    {
        using var input = randn(shape).requires_grad_(true);
        void Step()
        {
            using var scope = NewDisposeScope();
            var x = viaChannelsLast ? input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : input;
            var y = max ? nn.functional.max_pool2d(x, 3, 1, 1) : nn.functional.avg_pool2d(x, 3, 1, 1, count_include_pad: false);
            var output = viaChannelsLast ? y.contiguous() : y;
            output.sum().backward();
            input.grad?.zero_();
        }
        return StepTimer.Median(StepTimer.Measure(Step, options.Warmup, options.Steps));
    }
}
