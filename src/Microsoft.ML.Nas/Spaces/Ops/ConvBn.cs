using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// A k×k convolution without bias followed by batch norm, with no activation: the stem of the DARTS and ENAS
/// networks (a 3×3 conv from the image channels), whose first cell starts with its own ReLU.
/// </summary>
public sealed class ConvBn : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv;
    private readonly Module<Tensor, Tensor> bn;

    /// <summary>Creates the op with "same" padding.</summary>
    /// <param name="inChannels">Input channels (1 for greyscale digits, 3 for colour images).</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Odd kernel size (3 in DARTS and ENAS).</param>
    /// <param name="stride">1 or 2.</param>
    /// <param name="affine">Whether the batch norm learns a scale and shift (the stems use true).</param>
    public ConvBn(int inChannels, int outChannels, int kernelSize = 3, int stride = 1, bool affine = true) : base(nameof(ConvBn))
    {
        OpChecks.Kernel(kernelSize, nameof(kernelSize));
        conv = Conv2d(OpChecks.Channels(inChannels, nameof(inChannels)), OpChecks.Channels(outChannels, nameof(outChannels)), kernelSize,
            stride: OpChecks.Stride(stride, nameof(stride)), padding: OpChecks.SamePadding(kernelSize), bias: false);
        bn = BatchNorm2d(outChannels, affine: affine);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var convolved = conv.call(input);
        return bn.call(convolved);
    }
}
