using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// The candidate operations of the ENAS macro space (one per layer) and micro space (one per node branch), by the
/// names exported in architectures. All keep the spatial size; ENAS reduces between layers with
/// <see cref="FactorizedReduce"/>.
/// </summary>
public static class EnasOps
{
    /// <summary>3×3 convolution branch (macro).</summary>
    public const string Conv3x3 = "conv3x3";
    /// <summary>5×5 convolution branch (macro).</summary>
    public const string Conv5x5 = "conv5x5";
    /// <summary>Separable 3×3 convolution (a branch in macro, <see cref="SepConvBn"/> in micro).</summary>
    public const string SepConv3x3 = "sepconv3x3";
    /// <summary>Separable 5×5 convolution (a branch in macro, <see cref="SepConvBn"/> in micro).</summary>
    public const string SepConv5x5 = "sepconv5x5";
    /// <summary>3×3 average pool (padding excluded).</summary>
    public const string AvgPool = "avgpool";
    /// <summary>3×3 max pool.</summary>
    public const string MaxPool = "maxpool";
    /// <summary>Identity (micro only).</summary>
    public const string Identity = "identity";

    /// <summary>The macro space's six candidates per layer, in NNI's order.</summary>
    public static IReadOnlyList<string> MacroNames { get; } = [Conv3x3, SepConv3x3, Conv5x5, SepConv5x5, AvgPool, MaxPool];

    /// <summary>The micro space's five candidates per node branch, in NNI's order.</summary>
    public static IReadOnlyList<string> MicroNames { get; } = [SepConv3x3, SepConv5x5, AvgPool, MaxPool, Identity];

    /// <summary>Builds a macro-space layer candidate: a <see cref="ConvBranch"/> or <see cref="PoolBranch"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a macro op; the message lists the valid names.</exception>
    public static Module<Tensor, Tensor> CreateMacro(string name, int inChannels, int outChannels)
    {
        ArgumentNullException.ThrowIfNull(name);
        TorchRuntime.EnsureAvailable();
        return name switch
        {
            Conv3x3 => new ConvBranch(inChannels, outChannels, 3, separable: false),
            SepConv3x3 => new ConvBranch(inChannels, outChannels, 3, separable: true),
            Conv5x5 => new ConvBranch(inChannels, outChannels, 5, separable: false),
            SepConv5x5 => new ConvBranch(inChannels, outChannels, 5, separable: true),
            AvgPool => new PoolBranch(PoolKind.Average, inChannels, outChannels),
            MaxPool => new PoolBranch(PoolKind.Max, inChannels, outChannels),
            _ => throw new ArgumentException($"'{name}' is not an ENAS macro op; expected one of: {string.Join(", ", MacroNames)}.", nameof(name)),
        };
    }

    /// <summary>Builds a micro-space branch candidate on <paramref name="channels"/> channels.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a micro op; the message lists the valid names.</exception>
    public static Module<Tensor, Tensor> CreateMicro(string name, int channels)
    {
        ArgumentNullException.ThrowIfNull(name);
        TorchRuntime.EnsureAvailable();
        OpChecks.Channels(channels, nameof(channels));
        return name switch
        {
            SepConv3x3 => new SepConvBn(channels, channels, 3),
            SepConv5x5 => new SepConvBn(channels, channels, 5),
            AvgPool => new Pool(PoolKind.Average),
            MaxPool => new Pool(PoolKind.Max),
            Identity => new Ops.Identity(),
            _ => throw new ArgumentException($"'{name}' is not an ENAS micro op; expected one of: {string.Join(", ", MicroNames)}.", nameof(name)),
        };
    }
}
