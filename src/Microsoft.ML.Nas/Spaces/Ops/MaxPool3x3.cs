using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// A 3×3 max pool with padding 1. On the CPU it runs libtorch's channels-last kernel, which is vectorized over
/// channels, from <see cref="ChannelsLast.MinimumChannels"/> channels up; libtorch's NCHW kernel is a scalar loop per
/// output pixel, faster only for fewer channels. An NCHW float32 input is copied into channels-last for the pool and the
/// result copied back, so the caller gets the layout it gave.
/// </summary>
/// <remarks>
/// The benchmarks' <c>pool-kernels</c> report compares both on the search spaces' activation shapes, the copies into
/// and out of channels-last included. The values and the routing of the gradient to each window's first maximum are
/// the NCHW kernel's. Other devices use their own kernel.
/// </remarks>
internal sealed class MaxPool3x3 : nn.Module<Tensor, Tensor>
{
    private readonly long stride;

    public MaxPool3x3(int stride) : base(nameof(MaxPool3x3))
    {
        this.stride = stride;
    }

    /// <summary>1 or 2.</summary>
    public int Stride => (int)stride;

    public override Tensor forward(Tensor input)
    {
        if (input.size(1) < ChannelsLast.MinimumChannels || ChannelsLast.ConvertOnCpu(input) is not { } channelsLast)
        {
            // Too few channels to vectorize over, already channels-last, or on a device with its own kernel.
            return nn.functional.max_pool2d(input, 3, stride, 1);
        }
        using (channelsLast)
        {
            using var pooled = nn.functional.max_pool2d(channelsLast, 3, stride, 1);
            return pooled.contiguous();
        }
    }
}
