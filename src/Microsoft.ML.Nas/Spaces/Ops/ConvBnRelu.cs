using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// A k×k convolution without bias, batch norm, then ReLU (ENAS's "std conv": the 1×1 that opens every ENAS branch and
/// matches channel counts between layers).
/// </summary>
public sealed class ConvBnRelu : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv;
    private readonly Module<Tensor, Tensor> bn;
    private readonly Module<Tensor, Tensor> relu;

    /// <summary>Creates the op with "same" padding.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Odd kernel size (1 in ENAS).</param>
    /// <param name="stride">1 or 2.</param>
    /// <param name="affine">Whether the batch norm learns a scale and shift (ENAS uses false).</param>
    public ConvBnRelu(int inChannels, int outChannels, int kernelSize = 1, int stride = 1, bool affine = false) : base(nameof(ConvBnRelu))
    {
        OpChecks.Kernel(kernelSize, nameof(kernelSize));
        conv = Conv2d(OpChecks.Channels(inChannels, nameof(inChannels)), OpChecks.Channels(outChannels, nameof(outChannels)), kernelSize,
            stride: OpChecks.Stride(stride, nameof(stride)), padding: OpChecks.SamePadding(kernelSize), bias: false);
        bn = BatchNorm2d(outChannels, affine: affine);
        relu = ReLU();
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return relu.call(bn.call(conv.call(input))).MoveToOuterDisposeScope();
    }
}
