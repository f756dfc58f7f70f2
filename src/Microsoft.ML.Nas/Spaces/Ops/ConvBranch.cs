using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// An ENAS macro conv candidate: a 1×1 <see cref="ConvBnRelu"/> to the output channels, a k×k convolution (plain or
/// <see cref="SeparableConv"/>), then batch norm (no affine) and ReLU. Spatial size is kept (stride 1).
/// </summary>
/// <remarks>NNI's plain k×k conv here has a bias, which the batch norm right after it cancels; this one has none.</remarks>
public sealed class ConvBranch : Module<Tensor, Tensor>
{
    private readonly ConvBnRelu preprocess;
    private readonly Module<Tensor, Tensor> conv;
    private readonly Module<Tensor, Tensor> bn;
    private readonly Module<Tensor, Tensor> relu;

    /// <summary>Creates the branch.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Odd kernel size (3 or 5 in ENAS).</param>
    /// <param name="separable">Whether the k×k convolution is depthwise-separable.</param>
    public ConvBranch(int inChannels, int outChannels, int kernelSize, bool separable) : base(nameof(ConvBranch))
    {
        OpChecks.Kernel(kernelSize, nameof(kernelSize));
        preprocess = new ConvBnRelu(inChannels, outChannels);
        conv = separable
            ? new SeparableConv(outChannels, outChannels, kernelSize)
            : Conv2d(outChannels, outChannels, kernelSize, padding: OpChecks.SamePadding(kernelSize), bias: false);
        bn = BatchNorm2d(outChannels, affine: false);
        relu = ReLU();
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return relu.call(bn.call(conv.call(preprocess.call(input)))).MoveToOuterDisposeScope();
    }
}
