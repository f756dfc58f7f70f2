using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>
/// The ENAS macro search space (NNI's <c>GeneralNetwork</c>): a 3×3 conv-BN stem to <c>filters</c> channels,
/// <c>layers</c> <see cref="EnasMacroLayer"/>s, a factorized reduction of every layer output so far after layers
/// L/3 − 1 and 2L/3 − 1 (L = layers; none below 3 layers), then global average pooling, dropout and a linear classifier.
/// </summary>
/// <remarks>
/// <para>
/// Each earlier output has its own factorized reduction, as in the ENAS paper's code. NNI's example shares one per
/// reduction point among all of them (<c>sharedReductions</c>, the layout of models saved before this choice existed):
/// its batch norm then keeps one set of running statistics for several differently distributed tensors, so a trained
/// network scores far worse in evaluation mode than with batch statistics whenever a layer after a reduction reads an
/// earlier layer (measured: 95.15 % against 99.45 % on the test digits, where its own reductions give 99.25 %).
/// </para>
/// <para>
/// NNI's network keeps one channel count throughout. With a <c>growth</c> above 1 each reduction also multiplies the
/// channels by it (as most hand-designed CNNs double them where they halve the size), so the layers after the first
/// reduction have <c>filters × growth</c> channels and those after the second <c>filters × growth²</c>.
/// </para>
/// </remarks>
public sealed class EnasMacroNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ConvBn stem;
    private readonly ModuleList<EnasMacroLayer> layers;
    // Per reduction point: one FactorizedReduce for every earlier output (a ModuleList of them), or NNI's one shared.
    private readonly ModuleList<nn.Module> reductions;
    private readonly int[] reductionAfter;
    private readonly int[] layerChannels;
    private readonly nn.Module<Tensor, Tensor> dropout;
    private readonly nn.Module<Tensor, Tensor> classifier;

    /// <summary>Creates the network.</summary>
    /// <param name="layers">Number of layers (NNI: 12).</param>
    /// <param name="filters">Channels of every layer; even, for the factorized reductions (NNI: 24).</param>
    /// <param name="inputChannels">Channels of the input images.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="dropout">Dropout rate before the classifier (NNI: 0).</param>
    /// <param name="growth">What each reduction multiplies the channels by (NNI: 1, one channel count throughout).</param>
    /// <param name="sharedReductions">
    /// NNI's layout: one factorized reduction per reduction point for all earlier outputs, instead of one for each.
    /// </param>
    public EnasMacroNetwork(int layers, int filters, int inputChannels, int classes, double dropout = 0, int growth = 1, bool sharedReductions = false)
        : base(nameof(EnasMacroNetwork))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(growth, 1);
        if (dropout is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "The dropout rate must lie in [0, 1).");
        }
        Layers = layers;
        Filters = filters;
        Growth = growth;
        SharedReductions = sharedReductions;
        int distance = layers / 3;
        reductionAfter = distance > 0 ? [distance - 1, 2 * distance - 1] : [];
        layerChannels = new int[layers];
        for (int i = 0, channels = filters; i < layers; i++)
        {
            layerChannels[i] = channels;
            if (reductionAfter.Contains(i))
            {
                channels = checked(channels * growth);
            }
        }
        stem = new ConvBn(inputChannels, filters);
        this.layers = new ModuleList<EnasMacroLayer>(Enumerable.Range(0, layers).Select(i => new EnasMacroLayer(i, layerChannels[i])).ToArray());
        FactorizedReduce Reduce(int after) => new(layerChannels[after], layerChannels[after] * growth, affine: false, relu: false);
        reductions = new ModuleList<nn.Module>(reductionAfter
            .Select(after => sharedReductions ? Reduce(after) : (nn.Module)new ModuleList<FactorizedReduce>(Enumerable.Range(0, after + 1).Select(_ => Reduce(after)).ToArray()))
            .ToArray());
        this.dropout = nn.Dropout(dropout);
        classifier = nn.Linear(OutputChannels, classes);
        RegisterComponents();
    }

    /// <summary>Number of layers.</summary>
    public int Layers { get; }

    /// <summary>Channels of the stem and of the layers before the first reduction.</summary>
    public int Filters { get; }

    /// <summary>What each reduction multiplies the channels by (1: one channel count throughout).</summary>
    public int Growth { get; }

    /// <summary>Whether each reduction point has one factorized reduction for all earlier outputs (NNI's layout).</summary>
    public bool SharedReductions { get; }

    /// <summary>Channels of layer <paramref name="index"/>'s output.</summary>
    public int ChannelsOf(int index) => layerChannels[index];

    /// <summary>Channels the classifier reads: the last layer's (no reduction follows the last layer).</summary>
    public int OutputChannels => layerChannels[^1];

    /// <summary>The layers after which every output so far is halved in size.</summary>
    public IReadOnlyList<int> ReductionAfter => reductionAfter;

    /// <summary>The factorized reduction that reduction point <paramref name="reduction"/> applies to layer <paramref name="source"/>'s output.</summary>
    internal FactorizedReduce ReductionOf(int reduction, int source) => reductions[reduction] switch
    {
        FactorizedReduce shared => shared,
        var own => ((ModuleList<FactorizedReduce>)own)[source],
    };

    /// <summary>The module path of <see cref="ReductionOf"/>'s reduction (for the ONNX export's node names).</summary>
    internal string ReductionPathOf(int reduction, int source) =>
        SharedReductions ? $"reductions.{reduction}" : $"reductions.{reduction}.{source}";

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        using var channelsLastInput = ChannelsLast.ConvertOnCpu(input);
        var current = stem.call(channelsLastInput ?? input);
        var outputs = new List<Tensor>(Layers);
        for (int i = 0; i < Layers; i++)
        {
            var next = layers[i].call((current, outputs));
            if (i == 0)
            {
                // Our handles go as soon as nothing reads them, as Python's refcounts would drop them; autograd keeps
                // what it saved. Without this every activation lives until the step ends.
                current.Dispose();
            }
            outputs.Add(next);
            current = next;
            int reduction = Array.IndexOf(reductionAfter, i);
            if (reduction >= 0)
            {
                var reduced = outputs.Select((output, source) => ReductionOf(reduction, source).call(output)).ToList();
                outputs.ForEach(output => output.Dispose());
                outputs = reduced;
                current = outputs[^1];
            }
        }
        var pooled = nn.functional.adaptive_avg_pool2d(current, 1).flatten(1);
        return classifier.call(dropout.call(pooled)).MoveToOuterDisposeScope();
    }
}
