using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// The channels-last (NHWC) memory layout of 4-d activations on the CPU. libtorch 2.10's oneDNN runs convolutions on
/// channels-last tensors with its brgemm and depthwise kernels directly; on NCHW tensors with few channels it reorders
/// into a blocked layout padded to 16 channels and back on every call, or falls back to im2col and GEMM.
/// Element-wise ops, batch norm, pools and concatenation keep the layout they are given, so a network that converts
/// its input runs channels-last throughout: its stem's convolution already hands back channels-last.
/// </summary>
public static class ChannelsLast
{
    /// <summary>
    /// The fewest channels at which the channels-last kernels pay off. Below it their vectors are mostly padding: the
    /// seven DARTS ops' forward and backward on 64 × 2 × 28 × 28 took 37.6 ms channels-last and 16.3 ms NCHW, on
    /// 4 channels 47.4 and 28.0 ms, while on 8 channels channels-last won (24.3 against 47.8 ms): the benchmarks'
    /// <c>op-layouts</c>.
    /// </summary>
    internal const int MinimumChannels = 8;

    /// <summary>Whether <paramref name="x"/> is a 4-d tensor laid out NHWC with channels-last strides (a channel stride of 1, even for one channel).</summary>
    public static bool Is(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4)
        {
            return false;
        }
        // One dimension at a time: TorchSharp's whole-shape and whole-stride reads marshal a callback each, native
        // memory that only the garbage collector frees (see Runtime.DroppedTorchObjects), and ops call this per forward.
        long channels = x.size(1), height = x.size(2), width = x.size(3);
        return x.stride(1) == 1
            && (width == 1 || x.stride(3) == channels)
            && (height == 1 || x.stride(2) == width * channels)
            && (x.size(0) == 1 || x.stride(0) == height * width * channels);
    }

    /// <summary>
    /// <paramref name="x"/> in the channels-last layout when it is a float32 4-d tensor on the CPU that is not in it yet;
    /// otherwise null (the caller keeps <paramref name="x"/>). A contiguous single-channel tensor is already laid out
    /// NHWC and only gets channels-last strides (a view of the same memory); others are copied. Other devices and types
    /// keep their layout: their kernels do not gain from it here.
    /// </summary>
    public static Tensor? ConvertOnCpu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.device_type != DeviceType.CPU || x.dim() != 4 || x.dtype != ScalarType.Float32 || Is(x))
        {
            return null;
        }
        var shape = x.shape;
        // libtorch picks a convolution's layout from the strides, and a size-1 channel dimension's stride is free.
        // TorchSharp's as_strided starts at offset 0 unless told (PyTorch keeps the view's own), so a slice of a
        // larger tensor names its offset, or the view would read the first rows of the storage.
        return shape[1] == 1 && x.is_contiguous()
            ? x.as_strided(shape, [shape[2] * shape[3], 1, shape[3], 1], x.storage_offset())
            : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>Replaces <paramref name="activation"/> by its channels-last copy on the CPU (see <see cref="ConvertOnCpu"/>), disposing the original.</summary>
    public static void Adopt(ref Tensor activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (ConvertOnCpu(activation) is { } converted)
        {
            activation.Dispose();
            activation = converted;
        }
    }
}
