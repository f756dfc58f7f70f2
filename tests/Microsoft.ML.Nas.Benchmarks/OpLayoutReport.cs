using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using static System.FormattableString;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// What the memory layout costs on few channels (<c>ChannelsLast.MinimumChannels</c>): the forward and backward of
/// each of the seven DARTS ops (stride 1) on 64 × C × 28 × 28 activations for C = 2, 4, 8 and 16, with the input
/// channels-last and NCHW; and a ReLU's on 64 × 16 × 28 × 28, the smallest step that allocates activation-sized blocks
/// (what glibc's malloc thresholds cost: <c>NativeHeap.ServeTensorsFromHeap</c>; run it with
/// <c>MALLOC_MMAP_THRESHOLD_=131072</c> to see glibc's defaults). <c>pytorch/op_layouts.py</c> times the same in PyTorch.
/// RESULT lines give medians over <c>--steps</c> calls after <c>--warmup</c>.
/// </summary>
internal static class OpLayoutReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        random.manual_seed(0);
        Console.WriteLine($"op-layouts: {threads} threads, {options.Warmup} warm-up + {options.Steps} timed calls per op");
        using (var relu = nn.ReLU())
        {
            Console.WriteLine(Invariant($"RESULT op=relu channels=16 layout=nchw ms={Time(relu, 16, channelsLast: false, options):F3}"));
        }
        foreach (int channels in new[] { 2, 4, 8, 16 })
        {
            foreach (bool channelsLast in new[] { true, false })
            {
                double total = 0;
                foreach (var name in DartsOps.Names)
                {
                    using var op = DartsOps.Create(name, channels);
                    double median = Time(op, channels, channelsLast, options);
                    total += median;
                    Console.WriteLine(Invariant($"  {name} channels={channels} layout={Layout(channelsLast)} ms={median:F3}"));
                }
                Console.WriteLine(Invariant($"RESULT op=darts-ops channels={channels} layout={Layout(channelsLast)} ms={total:F3}"));
            }
        }
    }

    private static string Layout(bool channelsLast) => channelsLast ? "channels-last" : "nchw";

    private static double Time(nn.Module<Tensor, Tensor> op, int channels, bool channelsLast, BenchmarkArguments options)
    {
        op.train();
        using var values = randn(64, channels, 28, 28);
        using var laidOut = channelsLast ? ChannelsLast.ConvertOnCpu(values)! : values.clone();
        using var input = laidOut.detach().requires_grad_(true);
        var times = StepTimer.Measure(() =>
        {
            using var scope = NewDisposeScope();
            op.call(input).sum().backward();
        }, options.Warmup, options.Steps);
        return StepTimer.Median(times);
    }
}
