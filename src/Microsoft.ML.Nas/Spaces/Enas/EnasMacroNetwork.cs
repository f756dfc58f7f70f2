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
public sealed class EnasMacroNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ConvBn stem;
    private readonly ModuleList<EnasMacroLayer> layers;
    private readonly ModuleList<FactorizedReduce> reductions;
    private readonly int[] reductionAfter;
    private readonly nn.Module<Tensor, Tensor> dropout;
    private readonly nn.Module<Tensor, Tensor> classifier;

    /// <summary>Creates the network.</summary>
    /// <param name="layers">Number of layers (NNI: 12).</param>
    /// <param name="filters">Channels of every layer; even, for the factorized reductions (NNI: 24).</param>
    /// <param name="inputChannels">Channels of the input images.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="dropout">Dropout rate before the classifier (NNI: 0).</param>
    public EnasMacroNetwork(int layers, int filters, int inputChannels, int classes, double dropout = 0)
        : base(nameof(EnasMacroNetwork))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (dropout is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "The dropout rate must lie in [0, 1).");
        }
        Layers = layers;
        Filters = filters;
        stem = new ConvBn(inputChannels, filters);
        this.layers = new ModuleList<EnasMacroLayer>(Enumerable.Range(0, layers).Select(i => new EnasMacroLayer(i, filters)).ToArray());
        int distance = layers / 3;
        reductionAfter = distance > 0 ? [distance - 1, 2 * distance - 1] : [];
        reductions = new ModuleList<FactorizedReduce>(reductionAfter.Select(_ => new FactorizedReduce(filters, filters, affine: false, relu: false)).ToArray());
        this.dropout = nn.Dropout(dropout);
        classifier = nn.Linear(filters, classes);
        RegisterComponents();
    }

    /// <summary>Number of layers.</summary>
    public int Layers { get; }

    /// <summary>Channels of every layer.</summary>
    public int Filters { get; }

    /// <summary>The layers after which every output so far is halved in size.</summary>
    public IReadOnlyList<int> ReductionAfter => reductionAfter;

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
                var reduced = outputs.Select(output => reductions[reduction].call(output)).ToList();
                outputs.ForEach(output => output.Dispose());
                outputs = reduced;
                current = outputs[^1];
            }
        }
        var pooled = nn.functional.adaptive_avg_pool2d(current, 1).flatten(1);
        return classifier.call(dropout.call(pooled)).MoveToOuterDisposeScope();
    }
}
