using System.Globalization;
using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>
/// A cell of the ENAS micro space (NNI's micro <c>ENASLayer</c>): its two inputs (the outputs of the two cells before,
/// brought to the cell's channels by a 1×1 conv-BN-ReLU where they differ), <c>nodes</c> <see cref="EnasMicroNode"/>s,
/// and as output the outputs no node took, concatenated, passed through ReLU, a 1×1 convolution (one weight shared by
/// every such subset) and batch norm. Keys start with <c>reduce</c> in the cells after a reduction, else <c>normal</c>;
/// cells of one kind share their keys, so they share their decisions.
/// </summary>
internal sealed class EnasMicroCell : nn.Module<(Tensor PreviousPrevious, Tensor Previous), (Tensor Previous, Tensor Output)>
{
    private readonly ConvBnRelu? calibratePreviousPrevious;
    private readonly ConvBnRelu? calibratePrevious;
    private readonly ModuleList<EnasMicroNode> nodes;
    private readonly Parameter outputWeight;
    private readonly nn.Module<Tensor, Tensor> batchNorm;
    private readonly int channels;

    /// <summary>Creates the cell.</summary>
    /// <param name="nodes">Nodes per cell.</param>
    /// <param name="previousPreviousChannels">Channels of the output two cells back.</param>
    /// <param name="previousChannels">Channels of the previous cell's output.</param>
    /// <param name="channels">Channels inside and out of the cell.</param>
    /// <param name="reduction">Whether the cell follows a reduction (its keys start with <c>reduce</c>).</param>
    public EnasMicroCell(int nodes, int previousPreviousChannels, int previousChannels, int channels, bool reduction)
        : base(nameof(EnasMicroCell))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        this.channels = channels;
        calibratePreviousPrevious = previousPreviousChannels != channels ? new ConvBnRelu(previousPreviousChannels, channels) : null;
        calibratePrevious = previousChannels != channels ? new ConvBnRelu(previousChannels, channels) : null;
        string prefix = reduction ? "reduce" : "normal";
        var labels = new List<string> { "", "" };
        var created = new List<EnasMicroNode>();
        for (int i = 0; i < nodes; i++)
        {
            string key = string.Create(CultureInfo.InvariantCulture, $"{prefix}_node_{i}");
            created.Add(new EnasMicroNode(key, labels.ToArray(), channels));
            labels.Add(key);
        }
        this.nodes = new ModuleList<EnasMicroNode>(created.ToArray());
        outputWeight = new Parameter(empty([channels, nodes + 2, channels, 1, 1]));
        nn.init.kaiming_normal_(outputWeight);
        batchNorm = nn.BatchNorm2d(channels, affine: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override (Tensor Previous, Tensor Output) forward((Tensor PreviousPrevious, Tensor Previous) input)
    {
        using var scope = NewDisposeScope();
        var outputs = new List<Tensor>
        {
            calibratePreviousPrevious?.call(input.PreviousPrevious) ?? input.PreviousPrevious,
            calibratePrevious?.call(input.Previous) ?? input.Previous,
        };
        var used = new bool[nodes.Count + 2];
        foreach (var node in nodes)
        {
            var (nodeOutput, nodeUsed) = node.call(outputs);
            for (int i = 0; i < nodeUsed.Length; i++)
            {
                used[i] |= nodeUsed[i];
            }
            outputs.Add(nodeOutput);
        }
        long[] unused = Enumerable.Range(0, used.Length).Where(i => !used[i]).Select(i => (long)i).ToArray();
        var loose = nn.functional.relu(cat(unused.Select(i => outputs[(int)i]).ToList(), 1));
        var weight = outputWeight.index_select(1, tensor(unused, device: outputWeight.device)).reshape(channels, unused.Length * channels, 1, 1);
        var output = batchNorm.call(nn.functional.conv2d(loose, weight));
        return (input.Previous, output.MoveToOuterDisposeScope());
    }
}
