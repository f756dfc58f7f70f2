using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// ReLU, a depthwise (one filter per channel) dilated k×k convolution, a pointwise 1×1 convolution, then batch norm:
/// DARTS's dilconv3x3 / dilconv5x5 (dilation 2), and the half of a <see cref="SepConv"/> (dilation 1).
/// </summary>
public sealed class DilConv : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> relu;
    private readonly TorchSharp.Modules.Conv2d depthwise;
    private readonly Module<Tensor, Tensor> pointwise;
    private readonly Module<Tensor, Tensor> bn;
    private readonly int stride;
    private readonly int dilation;
    private readonly long[] undilatedPadding;

    /// <summary>Creates the op with "same" padding (dilation × (k − 1) / 2).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Odd kernel size.</param>
    /// <param name="stride">1 or 2 (applied by the depthwise convolution).</param>
    /// <param name="dilation">Spacing of the kernel's taps (2 in DARTS's dilconv ops).</param>
    /// <param name="affine">Whether the batch norm learns a scale and shift.</param>
    public DilConv(int inChannels, int outChannels, int kernelSize, int stride = 1, int dilation = 2, bool affine = true) : base(nameof(DilConv))
    {
        OpChecks.Channels(inChannels, nameof(inChannels));
        OpChecks.Channels(outChannels, nameof(outChannels));
        OpChecks.Kernel(kernelSize, nameof(kernelSize));
        OpChecks.Dilation(dilation, nameof(dilation));
        this.stride = stride;
        this.dilation = dilation;
        undilatedPadding = [OpChecks.SamePadding(kernelSize), OpChecks.SamePadding(kernelSize)];
        relu = ReLU();
        depthwise = Conv2d(inChannels, inChannels, kernelSize, stride: OpChecks.Stride(stride, nameof(stride)),
            padding: OpChecks.SamePadding(kernelSize, dilation), dilation: dilation, groups: inChannels, bias: false);
        pointwise = Conv2d(inChannels, outChannels, 1, bias: false);
        bn = BatchNorm2d(outChannels, affine: affine);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var activated = relu.call(input);
        var filtered = stride == dilation && stride > 1 && input.device_type == DeviceType.CPU
            ? SubsampledDepthwise(activated)
            : depthwise.call(activated);
        return bn.call(pointwise.call(filtered)).MoveToOuterDisposeScope();
    }

    // With stride = dilation = s, every tap of every output lands on a pixel whose row and column are multiples of s
    // (the same padding is a multiple of s too), so the convolution equals an undilated one at stride 1 over those
    // pixels. oneDNN has no direct CPU kernel for a strided dilated depthwise convolution and falls back to im2col and
    // GEMM, several times slower in the backward pass; the undilated one runs its depthwise kernel.
    private Tensor SubsampledDepthwise(Tensor activated)
    {
        var pixels = activated.slice(2, 0, activated.size(2), stride).slice(3, 0, activated.size(3), stride);
        return nn.functional.conv2d(pixels, depthwise.weight, padding: undilatedPadding, groups: activated.size(1));
    }
}
