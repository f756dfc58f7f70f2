using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// A 3×3 average pool with padding 1 that leaves the padding out of each mean. At stride 1 on the CPU it is a depthwise
/// 3×3 convolution with a kernel of ones, scaled by the reciprocal of each window's count of real pixels: oneDNN's
/// depthwise kernels are vectorized, libtorch's average-pool kernel is a scalar loop per output pixel.
/// </summary>
/// <remarks>
/// The benchmarks' <c>pool-kernels</c> report compares both on the search spaces' activation shapes. At stride 2 the
/// convolution's backward pass is not faster, so strided pools and other devices use libtorch's pool. Results equal
/// the pool's to float rounding (summation order).
/// </remarks>
internal sealed class AveragePool3x3 : nn.Module<Tensor, Tensor>
{
    private static readonly long[] Padding = [1, 1];
    private readonly int stride;
    // Built on the first CPU call and again only if the channels, size or type change (a network's pool sees one shape).
    private Tensor? ones;
    private Tensor? reciprocalCounts;

    public AveragePool3x3(int stride) : base(nameof(AveragePool3x3))
    {
        this.stride = stride;
    }

    /// <summary>1 or 2.</summary>
    public int Stride => stride;

    public override Tensor forward(Tensor input)
    {
        if (stride != 1 || input.device_type != DeviceType.CPU || input.dim() != 4 || !input.is_floating_point())
        {
            return nn.functional.avg_pool2d(input, 3, stride, 1, count_include_pad: false);
        }
        long channels = input.size(1);
        // In place: the convolution's backward pass does not need its output, only the scaling's factor.
        return nn.functional.conv2d(input, Ones(channels, input), padding: Padding, groups: channels)
            .mul_(ReciprocalCounts(input));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ones?.Dispose();
            reciprocalCounts?.Dispose();
        }
        base.Dispose(disposing);
    }

    private Tensor Ones(long channels, Tensor like)
    {
        if (ones is null || ones.size(0) != channels || ones.dtype != like.dtype)
        {
            ones?.Dispose();
            ones = torch.ones([channels, 1, 3, 3], dtype: like.dtype).DetachFromDisposeScope();
        }
        return ones;
    }

    // 1 / (real pixels under each window): 9 inside, 6 on an edge, 4 in a corner.
    private Tensor ReciprocalCounts(Tensor like)
    {
        long height = like.size(2), width = like.size(3);
        if (reciprocalCounts is null || reciprocalCounts.size(2) != height || reciprocalCounts.size(3) != width
            || reciprocalCounts.dtype != like.dtype)
        {
            reciprocalCounts?.Dispose();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var pixels = torch.ones([1, 1, height, width], dtype: like.dtype);
            var window = torch.ones([1, 1, 3, 3], dtype: like.dtype);
            reciprocalCounts = nn.functional.conv2d(pixels, window, padding: Padding).reciprocal_().DetachFromDisposeScope();
        }
        return reciprocalCounts;
    }
}
