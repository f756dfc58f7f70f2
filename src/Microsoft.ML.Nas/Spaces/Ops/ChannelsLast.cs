using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// The channels-last (NHWC) memory layout of 4-d activations on the CPU. libtorch 2.10's oneDNN runs convolutions on
/// channels-last tensors with its brgemm and depthwise kernels directly; on NCHW tensors with few channels it reorders
/// into a blocked layout padded to 16 channels and back on every call, or falls back to im2col and GEMM.
/// Element-wise ops, batch norm, pools and concatenation keep the layout they are given, so a network that converts
/// once after its stem runs channels-last throughout.
/// </summary>
public static class ChannelsLast
{
    /// <summary>Whether <paramref name="x"/> is a 4-d tensor laid out NHWC.</summary>
    public static bool Is(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4)
        {
            return false;
        }
        var shape = x.shape;
        var strides = x.stride();
        long channels = shape[1], height = shape[2], width = shape[3];
        return (channels == 1 || strides[1] == 1)
            && (width == 1 || strides[3] == channels)
            && (height == 1 || strides[2] == width * channels)
            && (shape[0] == 1 || strides[0] == height * width * channels);
    }

    /// <summary>
    /// <paramref name="x"/> copied into the channels-last layout when it is a float32 4-d tensor on the CPU that is not
    /// in it yet; otherwise null (the caller keeps <paramref name="x"/>). Other devices and types keep their layout:
    /// their kernels do not gain from it here.
    /// </summary>
    public static Tensor? ConvertOnCpu(Tensor x) =>
        (x ?? throw new ArgumentNullException(nameof(x))).device_type == DeviceType.CPU && x.dim() == 4 && x.dtype == ScalarType.Float32 && !Is(x)
            ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
            : null;

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
