using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// A depthwise k×k convolution (one filter per channel) followed by a pointwise 1×1 convolution, both without bias
/// and with no activation or norm: the separable convolution inside ENAS's branches.
/// </summary>
public sealed class SeparableConv : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> depthwise;
    private readonly Module<Tensor, Tensor> pointwise;

    /// <summary>Creates the op with "same" padding.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Odd kernel size.</param>
    /// <param name="stride">1 or 2.</param>
    public SeparableConv(int inChannels, int outChannels, int kernelSize, int stride = 1) : base(nameof(SeparableConv))
    {
        OpChecks.Kernel(kernelSize, nameof(kernelSize));
        OpChecks.Channels(inChannels, nameof(inChannels));
        depthwise = Conv2d(inChannels, inChannels, kernelSize, stride: OpChecks.Stride(stride, nameof(stride)),
            padding: OpChecks.SamePadding(kernelSize), groups: inChannels, bias: false);
        pointwise = Conv2d(inChannels, OpChecks.Channels(outChannels, nameof(outChannels)), 1, bias: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var spatial = depthwise.call(input);
        return pointwise.call(spatial);
    }
}
