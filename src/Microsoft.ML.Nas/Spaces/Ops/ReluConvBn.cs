using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// ReLU, then a k×k convolution without bias, then batch norm (DARTS's "std conv": cell preprocessing and stems).
/// The bias is left out because the batch norm that follows would cancel it.
/// </summary>
public sealed class ReluConvBn : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor> conv;
    private readonly Module<Tensor, Tensor> bn;

    /// <summary>Creates the op with "same" padding.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Odd kernel size.</param>
    /// <param name="stride">1 or 2.</param>
    /// <param name="affine">Whether the batch norm learns a scale and shift.</param>
    public ReluConvBn(int inChannels, int outChannels, int kernelSize = 1, int stride = 1, bool affine = true) : base(nameof(ReluConvBn))
    {
        OpChecks.Kernel(kernelSize, nameof(kernelSize));
        relu = ReLU();
        conv = Conv2d(OpChecks.Channels(inChannels, nameof(inChannels)), OpChecks.Channels(outChannels, nameof(outChannels)), kernelSize,
            stride: OpChecks.Stride(stride, nameof(stride)), padding: OpChecks.SamePadding(kernelSize), bias: false);
        bn = BatchNorm2d(outChannels, affine: affine);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return bn.call(conv.call(relu.call(input))).MoveToOuterDisposeScope();
    }
}
