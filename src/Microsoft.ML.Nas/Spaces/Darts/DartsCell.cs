using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Darts;

/// <summary>
/// A DARTS cell: the two previous cells' outputs are preprocessed to <c>channels</c> (a factorized reduce when the
/// previous cell reduced), the nodes follow, and the output is the concatenation of the nodes.
/// </summary>
internal sealed class DartsCell : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> preproc0;
    private readonly nn.Module<Tensor, Tensor> preproc1;
    private readonly ModuleList<DartsNode> nodes = new();

    /// <summary>Creates a cell.</summary>
    /// <param name="nodeCount">Intermediate nodes (4 in DARTS).</param>
    /// <param name="channelsPrevPrev">Channels of the cell input two cells back.</param>
    /// <param name="channelsPrev">Channels of the previous cell's output.</param>
    /// <param name="channels">Channels of each node.</param>
    /// <param name="previousReduced">Whether the previous cell was a reduction cell (its input two back is twice the size).</param>
    /// <param name="reduction">Whether this cell halves the resolution (its keys start with "reduce").</param>
    /// <param name="affine">Whether batch norms learn scale and shift.</param>
    /// <param name="partialChannels">K: the edges' ops see channels/K channels (PC-DARTS's search; 1 for all).</param>
    public DartsCell(int nodeCount, int channelsPrevPrev, int channelsPrev, int channels, bool previousReduced, bool reduction, bool affine, int partialChannels = 1)
        : base(reduction ? "ReductionCell" : "NormalCell")
    {
        preproc0 = previousReduced
            ? new FactorizedReduce(channelsPrevPrev, channels, affine)
            : new ReluConvBn(channelsPrevPrev, channels, 1, 1, affine);
        preproc1 = new ReluConvBn(channelsPrev, channels, 1, 1, affine);
        string type = reduction ? "reduce" : "normal";
        for (int depth = 2; depth < nodeCount + 2; depth++)
        {
            nodes.Add(new DartsNode($"{type}_n{depth}", depth, channels, reduction ? 2 : 0, affine, partialChannels));
        }
        Reduction = reduction;
        OutputChannels = channels * nodeCount;
        RegisterComponents();
    }

    /// <summary>Whether the cell halves the resolution.</summary>
    public bool Reduction { get; }

    /// <summary>Channels of the output (nodes × channels).</summary>
    public int OutputChannels { get; }

    /// <summary>The cell's nodes.</summary>
    public IReadOnlyList<DartsNode> Nodes => [.. nodes];

    /// <inheritdoc/>
    public override Tensor forward(Tensor previousPrevious, Tensor previous)
    {
        var states = new List<Tensor>(nodes.Count + 2) { preproc0.call(previousPrevious), preproc1.call(previous) };
        foreach (var node in nodes)
        {
            states.Add(node.call(states));
        }
        var output = cat(states.GetRange(2, nodes.Count), 1);
        // cat's backward needs only sizes: the states can go now (autograd holds what the ops saved).
        foreach (var state in states)
        {
            if (!ReferenceEquals(state, previousPrevious) && !ReferenceEquals(state, previous))
            {
                state.Dispose();
            }
        }
        return output;
    }
}
