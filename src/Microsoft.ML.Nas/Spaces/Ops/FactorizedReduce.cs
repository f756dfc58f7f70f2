using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// Halves the spatial size without losing every other pixel: two stride-2 1×1 convolutions, one on the input and one
/// on the input shifted by one pixel, each producing half the output channels, concatenated, then batch norm
/// (optionally preceded by ReLU, as in DARTS; ENAS's version has none).
/// </summary>
/// <remarks>
/// On an odd height or width the shifted input is one pixel short, so DARTS's original fails to concatenate (7×7
/// gives 4×4 and 3×3). Here the shifted input is zero-padded by one row/column at the bottom/right in that case: both
/// halves are ⌈H/2⌉ × ⌈W/2⌉, matching a padded stride-2 3×3 conv, and even sizes give exactly DARTS's result.
/// </remarks>
public sealed class FactorizedReduce : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor>? relu;
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn;

    /// <summary>Creates the op.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels; must be even (each convolution produces half).</param>
    /// <param name="affine">Whether the batch norm learns a scale and shift.</param>
    /// <param name="relu">Whether a ReLU comes first (true in DARTS, false in ENAS).</param>
    public FactorizedReduce(int inChannels, int outChannels, bool affine = true, bool relu = true) : base(nameof(FactorizedReduce))
    {
        OpChecks.Channels(inChannels, nameof(inChannels));
        if (OpChecks.Channels(outChannels, nameof(outChannels)) % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels,
                "FactorizedReduce needs an even output channel count: each of its two convolutions produces half.");
        }
        this.relu = relu ? ReLU() : null;
        conv1 = Conv2d(inChannels, outChannels / 2, 1, stride: 2, bias: false);
        conv2 = Conv2d(inChannels, outChannels / 2, 1, stride: 2, bias: false);
        bn = BatchNorm2d(outChannels, affine: affine);
        RegisterComponents();
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input is not a 4-D [N, C, H, W] tensor.</exception>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4)
        {
            throw new ArgumentException($"FactorizedReduce expects [N, C, H, W]; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        using var scope = NewDisposeScope();
        var x = relu is null ? input : relu.call(input);
        var shifted = x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(1), TensorIndex.Slice(1)];
        long padBottom = input.size(2) % 2, padRight = input.size(3) % 2;
        if (padBottom + padRight > 0)
        {
            shifted = functional.pad(shifted, [0, padRight, 0, padBottom]);
        }
        var both = cat([conv1.call(x), conv2.call(shifted)], dim: 1);
        return bn.call(both).MoveToOuterDisposeScope();
    }
}
