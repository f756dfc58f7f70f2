using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Darts;

/// <summary>
/// The DARTS cell network (NNI v1's <c>CNN</c>): a 3×3 conv stem to stemMultiplier·C channels, <c>layers</c> cells with
/// reduction cells (channels doubled) at layers/3 and 2·layers/3, global average pooling and a linear classifier; an
/// optional auxiliary head after the second reduction. Cells of one type share their keys, hence their decisions.
/// </summary>
public sealed class DartsNetwork : Module<Tensor, Tensor>, IAuxiliaryHeadModel, IDropPathModel
{
    private readonly Sequential stem;
    private readonly ModuleList<DartsCell> cells = new();
    private readonly AuxiliaryHead? aux_head;
    private readonly AdaptiveAvgPool2d gap;
    private readonly Linear linear;
    private readonly int auxiliaryPosition;
    private double dropPath;

    /// <summary>Builds the network.</summary>
    /// <param name="inputChannels">Channels of the input images.</param>
    /// <param name="imageSize">Side of the input images, which must be square for the auxiliary head; without it the cells take any height and width.</param>
    /// <param name="channels">C: channels of the first cells' nodes.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="layers">Number of cells.</param>
    /// <param name="nodes">Intermediate nodes per cell.</param>
    /// <param name="stemMultiplier">The stem outputs stemMultiplier·C channels.</param>
    /// <param name="auxiliary">Whether to add the auxiliary head.</param>
    /// <param name="affine">Whether the cells' batch norms learn scale and shift.</param>
    /// <param name="partialChannels">
    /// K of PC-DARTS's partial channel connections: every edge's ops see 1/K of its channels (the search supernet of
    /// <c>PcDartsTrainer</c>); 1 (default) for all channels. <paramref name="channels"/> must be a multiple of it.
    /// </param>
    public DartsNetwork(int inputChannels, int imageSize, int channels, int classes, int layers, int nodes = 4, int stemMultiplier = 3,
        bool auxiliary = false, bool affine = false, int partialChannels = 1) : base(nameof(DartsNetwork))
    {
        foreach (var (value, name) in new[] { (inputChannels, nameof(inputChannels)), (channels, nameof(channels)), (classes, nameof(classes)),
            (layers, nameof(layers)), (nodes, nameof(nodes)), (stemMultiplier, nameof(stemMultiplier)) })
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, name);
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partialChannels);
        if (channels % partialChannels != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(partialChannels), partialChannels,
                $"Partial channel connections give each edge's ops channels/K channels: channels ({channels}) must be a multiple of K ({partialChannels}).");
        }
        PartialChannels = partialChannels;
        if (nodes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "A DARTS cell needs at least 2 nodes (each node keeps 2 inputs).");
        }
        int current = stemMultiplier * channels;
        stem = Sequential(Conv2d(inputChannels, current, 3, padding: 1, bias: false), BatchNorm2d(current));
        int channelsPrevPrev = current, channelsPrev = current;
        current = channels;
        bool reduction = false;
        auxiliaryPosition = auxiliary ? 2 * layers / 3 : -1;
        for (int i = 0; i < layers; i++)
        {
            bool previousReduced = reduction;
            reduction = i == layers / 3 || i == 2 * layers / 3;
            if (reduction)
            {
                current *= 2;
            }
            var cell = new DartsCell(nodes, channelsPrevPrev, channelsPrev, current, previousReduced, reduction, affine, partialChannels);
            cells.Add(cell);
            (channelsPrevPrev, channelsPrev) = (channelsPrev, cell.OutputChannels);
            if (i == auxiliaryPosition)
            {
                aux_head = new AuxiliaryHead(imageSize / 4, channelsPrev, classes);
            }
        }
        gap = AdaptiveAvgPool2d(1);
        linear = Linear(channelsPrev, classes);
        RegisterComponents();
    }

    /// <summary>K of PC-DARTS's partial channel connections (1: the edges' ops see every channel).</summary>
    public int PartialChannels { get; }

    /// <summary>The cells, in order.</summary>
    internal IReadOnlyList<DartsCell> Cells => [.. cells];

    /// <inheritdoc/>
    public bool HasAuxiliaryHead => aux_head is not null;

    /// <inheritdoc/>
    public double DropPathProbability
    {
        get => dropPath;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, 1.0);
            dropPath = value;
            foreach (var node in cells.SelectMany(c => c.Nodes))
            {
                node.DropPathProbability = value;
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Run(input, withAuxiliary: false).Logits;

    /// <inheritdoc/>
    public (Tensor Logits, Tensor? Auxiliary) ForwardWithAuxiliary(Tensor input) => Run(input, withAuxiliary: training);

    private (Tensor Logits, Tensor? Auxiliary) Run(Tensor input, bool withAuxiliary)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var channelsLastInput = ChannelsLast.ConvertOnCpu(input);
        var s0 = stem.call(channelsLastInput ?? input);
        var s1 = s0;
        Tensor? auxiliary = null;
        for (int i = 0; i < cells.Count; i++)
        {
            var next = cells[i].call(s0, s1);
            if (!ReferenceEquals(s0, s1))
            {
                s0.Dispose();
            }
            (s0, s1) = (s1, next);
            if (withAuxiliary && i == auxiliaryPosition && aux_head is not null)
            {
                auxiliary = aux_head.call(s1);
            }
        }
        using var pooled = gap.call(s1);
        var logits = linear.call(pooled.flatten(1));
        s0.Dispose();
        if (!ReferenceEquals(s0, s1))
        {
            s1.Dispose();
        }
        return (logits, auxiliary);
    }
}
