using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>
/// The ENAS micro search space (NNI's <c>MicroNetwork</c>): a 3×3 conv-BN stem to 3·channels, <c>layers</c> + 2
/// <see cref="EnasMicroStage"/>s of which stages L/3 and 2L/3 + 1 (L = layers) reduce the size and double the channels,
/// an optional <see cref="EnasAuxiliaryHead"/> after the stage following the last reduction, then ReLU, global average
/// pooling, dropout and a linear classifier. Convolution weights start from Kaiming-normal draws, as in NNI.
/// </summary>
public sealed class EnasMicroNetwork : nn.Module<Tensor, Tensor>, IAuxiliaryHeadModel
{
    private readonly ConvBn stem;
    private readonly ModuleList<EnasMicroStage> stages;
    private readonly EnasAuxiliaryHead? auxiliaryHead;
    private readonly int auxiliaryAfter;
    private readonly nn.Module<Tensor, Tensor> dropout;
    private readonly nn.Module<Tensor, Tensor> classifier;

    /// <summary>Creates the network.</summary>
    /// <param name="layers">Layers L (NNI's search: 6); the network has L + 2 cells.</param>
    /// <param name="nodes">Nodes per cell (NNI: 5).</param>
    /// <param name="channels">Channels of the first cells, doubled at each reduction (NNI's search: 20).</param>
    /// <param name="inputChannels">Channels of the input images.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="dropout">Dropout rate before the classifier (NNI's search: 0.1).</param>
    /// <param name="auxiliary">Whether to add the auxiliary head (NNI's search: true).</param>
    public EnasMicroNetwork(int layers, int nodes, int channels, int inputChannels, int classes, double dropout = 0, bool auxiliary = false)
        : base(nameof(EnasMicroNetwork))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (dropout is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "The dropout rate must lie in [0, 1).");
        }
        int distance = layers / 3;
        int[] reductionStages = [distance, 2 * distance + 1];
        stem = new ConvBn(inputChannels, 3 * channels);
        var created = new List<EnasMicroStage>();
        int previousPrevious = 3 * channels, previous = 3 * channels, current = channels;
        auxiliaryAfter = reductionStages[^1] + 1;
        for (int stage = 0; stage < layers + 2; stage++)
        {
            bool reduction = reductionStages.Contains(stage);
            if (reduction)
            {
                current = previous * 2;
            }
            created.Add(new EnasMicroStage(nodes, previousPrevious, previous, current, reduction));
            if (auxiliary && stage == auxiliaryAfter)
            {
                auxiliaryHead = new EnasAuxiliaryHead(current, classes);
            }
            (previousPrevious, previous) = (reduction ? current : previous, current);
        }
        stages = new ModuleList<EnasMicroStage>(created.ToArray());
        OutputChannels = current;
        this.dropout = nn.Dropout(dropout);
        classifier = nn.Linear(current, classes);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d conv)
            {
                nn.init.kaiming_normal_(conv.weight!);
            }
        }
    }

    /// <summary>Channels of the last cell's output.</summary>
    public int OutputChannels { get; }

    /// <inheritdoc/>
    public bool HasAuxiliaryHead => auxiliaryHead is not null;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Run(input, withAuxiliary: false).Logits.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public (Tensor Logits, Tensor? Auxiliary) ForwardWithAuxiliary(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (logits, auxiliary) = Run(input, withAuxiliary: training);
        return (logits.MoveToOuterDisposeScope(), auxiliary?.MoveToOuterDisposeScope());
    }

    private (Tensor Logits, Tensor? Auxiliary) Run(Tensor input, bool withAuxiliary)
    {
        using var channelsLastInput = ChannelsLast.ConvertOnCpu(input);
        var previous = stem.call(channelsLastInput ?? input);
        var current = previous;
        Tensor? auxiliary = null;
        for (int stage = 0; stage < stages.Count; stage++)
        {
            var (nextPrevious, next) = stages[stage].call((previous, current));
            // Our handles go as soon as nothing reads them, as Python's refcounts would drop them; autograd keeps what
            // it saved. Without this every stage's output lives until the step ends.
            foreach (var old in ReferenceEquals(previous, current) ? new[] { previous } : new[] { previous, current })
            {
                if (!ReferenceEquals(old, nextPrevious) && !ReferenceEquals(old, next))
                {
                    old.Dispose();
                }
            }
            (previous, current) = (nextPrevious, next);
            if (withAuxiliary && auxiliaryHead is not null && stage == auxiliaryAfter)
            {
                auxiliary = auxiliaryHead.call(current);
            }
        }
        var pooled = nn.functional.adaptive_avg_pool2d(nn.functional.relu(current), 1).flatten(1);
        return (classifier.call(dropout.call(pooled)), auxiliary);
    }
}
