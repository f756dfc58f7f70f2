using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// The hand-designed network that found ones must beat (issue 13): five 3×3 convolutions of 32, 32, 64, 64 and 128
/// channels, each with batch norm and ReLU, a 2×2 max pool after the second and the fourth, then global average pooling
/// and a linear classifier (about 140k parameters).
/// </summary>
internal sealed class BnCnn : nn.Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Linear classifier;

    public BnCnn(int inputChannels = 1, int classes = 10) : base(nameof(BnCnn))
    {
        features = nn.Sequential(
            Block(inputChannels, 32), Block(32, 32), nn.MaxPool2d(2),
            Block(32, 64), Block(64, 64), nn.MaxPool2d(2),
            Block(64, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten());
        classifier = nn.Linear(128, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return classifier.forward(features.forward(input)).MoveToOuterDisposeScope();
    }

    private static Sequential Block(int inputs, int outputs) =>
        nn.Sequential(nn.Conv2d(inputs, outputs, 3, padding: 1, bias: false), nn.BatchNorm2d(outputs), nn.ReLU());
}
