using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>
/// The auxiliary classifier of the ENAS micro space: ReLU, 5×5 average pool (stride 3, padding 2), 1×1 conv-BN-ReLU to
/// 128 then to 768 channels, global average pooling and a linear layer without bias.
/// </summary>
internal sealed class EnasAuxiliaryHead : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> pool;
    private readonly ConvBnRelu project;
    private readonly ConvBnRelu expand;
    private readonly nn.Module<Tensor, Tensor> classifier;

    /// <summary>Creates the head on <paramref name="inputChannels"/> channels for <paramref name="classes"/> classes.</summary>
    public EnasAuxiliaryHead(int inputChannels, int classes)
        : base(nameof(EnasAuxiliaryHead))
    {
        pool = nn.AvgPool2d(5, 3, 2);
        project = new ConvBnRelu(inputChannels, 128);
        expand = new ConvBnRelu(128, 768);
        classifier = nn.Linear(768, classes, hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var features = expand.call(project.call(pool.call(nn.functional.relu(input))));
        return classifier.call(nn.functional.adaptive_avg_pool2d(features, 1).flatten(1)).MoveToOuterDisposeScope();
    }
}
