using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// ENAS micro's separable conv candidate: ReLU, one <see cref="SeparableConv"/> (stride 1), then batch norm.
/// Unlike DARTS's <see cref="SepConv"/> the separable convolution is applied once.
/// </summary>
public sealed class SepConvBn : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> relu;
    private readonly SeparableConv conv;
    private readonly Module<Tensor, Tensor> bn;

    /// <summary>Creates the op with "same" padding.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Odd kernel size (3 or 5 in ENAS).</param>
    /// <param name="affine">Whether the batch norm learns a scale and shift (ENAS micro uses true).</param>
    public SepConvBn(int inChannels, int outChannels, int kernelSize, bool affine = true) : base(nameof(SepConvBn))
    {
        relu = ReLU();
        conv = new SeparableConv(inChannels, outChannels, kernelSize);
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
