using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces.Ops;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// The search spaces' 3×3 pools (padding 1) as libtorch's <c>max_pool2d</c>/<c>avg_pool2d</c> run them and as the
/// <see cref="Pool"/> op runs them (channels-last max pool, depthwise-convolution average), with the backward pass and
/// without gradients, on the DARTS and ENAS benchmark configurations' activation shapes. The two sides alternate call
/// by call, so drift in the host's speed reaches both alike.
/// </summary>
internal static class PoolKernelReport
{
    private static readonly long[][] Shapes = [[64, 8, 28, 28], [64, 8, 14, 14], [32, 8, 32, 32], [32, 16, 32, 32], [32, 16, 16, 16]];

    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        Console.WriteLine($"pool-kernels: {threads} threads, {options.Rounds} rounds of {options.Steps} calls per side");
        foreach (var shape in Shapes)
        {
            foreach (var kind in new[] { PoolKind.Max, PoolKind.Average })
            {
                foreach (int stride in new[] { 1, 2 })
                {
                    foreach (bool backward in new[] { true, false })
                    {
                        var (libtorch, ours) = Time(shape, kind, stride, backward, options);
                        Console.WriteLine($"RESULT pool={kind} stride={stride} shape={string.Join('x', shape)} backward={backward} " +
                            $"libtorch_ms={libtorch:F3} op_ms={ours:F3} ratio={ours / libtorch:F2}");
                    }
                }
            }
        }
    }

    private static (double Libtorch, double Ours) Time(long[] shape, PoolKind kind, int stride, bool backward, BenchmarkArguments options)
    {
        using var input = randn(shape).requires_grad_(backward);
        using var op = new Pool(kind, stride);
        Tensor Libtorch(Tensor x) => kind == PoolKind.Max
            ? nn.functional.max_pool2d(x, 3, stride, 1)
            : nn.functional.avg_pool2d(x, 3, stride, 1, count_include_pad: false);
        void Call(Func<Tensor, Tensor> pool)
        {
            using var scope = NewDisposeScope();
            var output = pool(input);
            if (backward)
            {
                output.sum().backward();
                input.grad!.zero_();
            }
        }
        var libtorch = new List<double>();
        var ours = new List<double>();
        for (int round = 0; round < options.Rounds; round++)
        {
            // One call at a time each, so both sides see the same minutes of the host.
            var a = new List<double>();
            var b = new List<double>();
            for (int i = 0; i < options.Warmup + options.Steps; i++)
            {
                double first = StepTimer.Measure(() => Call(Libtorch), 0, 1)[0];
                double second = StepTimer.Measure(() => Call(op.call), 0, 1)[0];
                if (i >= options.Warmup)
                {
                    a.Add(first);
                    b.Add(second);
                }
            }
            libtorch.Add(StepTimer.Median(a));
            ours.Add(StepTimer.Median(b));
        }
        return (StepTimer.Median(libtorch), StepTimer.Median(ours));
    }
}
