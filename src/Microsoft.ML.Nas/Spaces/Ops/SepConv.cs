using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// DARTS's separable convolution (sepconv3x3 / sepconv5x5): two <see cref="DilConv"/> blocks with dilation 1, the
/// first carrying the stride and keeping the input's channels, the second at stride 1 producing the output channels.
/// Applying the pair twice is what the DARTS paper found to work better than one.
/// </summary>
public sealed class SepConv : Module<Tensor, Tensor>
{
    private readonly DilConv first;
    private readonly DilConv second;

    /// <summary>Creates the op with "same" padding.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Odd kernel size (3 or 5 in DARTS).</param>
    /// <param name="stride">1 or 2 (applied by the first block).</param>
    /// <param name="affine">Whether the batch norms learn a scale and shift.</param>
    public SepConv(int inChannels, int outChannels, int kernelSize, int stride = 1, bool affine = true) : base(nameof(SepConv))
    {
        first = new DilConv(inChannels, inChannels, kernelSize, stride, dilation: 1, affine);
        second = new DilConv(inChannels, outChannels, kernelSize, stride: 1, dilation: 1, affine);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var middle = first.call(input);
        return second.call(middle);
    }
}
