using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Darts;

/// <summary>
/// DARTS's auxiliary classifier on the feature map after the second reduction (side ≈ input/4): ReLU, 5×5 average
/// pool, 1×1 conv to 128, BN, ReLU, 2×2 conv to 768, BN, ReLU, linear.
/// </summary>
internal sealed class AuxiliaryHead : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> features;
    private readonly Module<Tensor, Tensor> classifier;

    /// <summary>Creates the head for a <paramref name="side"/>×<paramref name="side"/> map of <paramref name="channels"/> channels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The map is smaller than the 5×5 pool.</exception>
    public AuxiliaryHead(int side, int channels, int classes) : base(nameof(AuxiliaryHead))
    {
        if (side < 5)
        {
            throw new ArgumentOutOfRangeException(nameof(side), side,
                "The auxiliary head pools 5×5 over the map after the second reduction: the image must be at least 20 pixels on a side.");
        }
        features = Sequential(
            ReLU(),
            AvgPool2d(5, stride: side - 5, padding: 0, count_include_pad: false),
            Conv2d(channels, 128, 1, bias: false),
            BatchNorm2d(128),
            ReLU(),
            Conv2d(128, 768, 2, bias: false),
            BatchNorm2d(768),
            ReLU());
        classifier = Linear(768, classes);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var pooled = features.call(input);
        return classifier.call(pooled.flatten(1)).MoveToOuterDisposeScope();
    }
}
