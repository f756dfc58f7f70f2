using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// The candidate operations of a DARTS cell edge, by the names NNI's DARTS space uses (and exports in architectures).
/// </summary>
public static class DartsOps
{
    /// <summary>3×3 max pool then batch norm.</summary>
    public const string MaxPool = "maxpool";
    /// <summary>3×3 average pool (padding excluded) then batch norm.</summary>
    public const string AvgPool = "avgpool";
    /// <summary>Identity at stride 1; <see cref="FactorizedReduce"/> at stride 2.</summary>
    public const string SkipConnect = "skipconnect";
    /// <summary>Separable 3×3 convolution applied twice.</summary>
    public const string SepConv3x3 = "sepconv3x3";
    /// <summary>Separable 5×5 convolution applied twice.</summary>
    public const string SepConv5x5 = "sepconv5x5";
    /// <summary>Dilated (2) separable 3×3 convolution.</summary>
    public const string DilConv3x3 = "dilconv3x3";
    /// <summary>Dilated (2) separable 5×5 convolution.</summary>
    public const string DilConv5x5 = "dilconv5x5";
    /// <summary>
    /// The zero op. Not one of <see cref="Names"/>: DARTS keeps "none" implicit, as the extra last alpha of each edge,
    /// but <see cref="Create"/> builds it for spaces that want it explicit.
    /// </summary>
    public const string None = "none";

    /// <summary>The candidates of every DARTS edge, in NNI's order (the order of the alphas).</summary>
    public static IReadOnlyList<string> Names { get; } = [MaxPool, AvgPool, SkipConnect, SepConv3x3, SepConv5x5, DilConv3x3, DilConv5x5];

    /// <summary>Builds the op called <paramref name="name"/> for an edge of <paramref name="channels"/> channels.</summary>
    /// <param name="name">One of <see cref="Names"/>, or <see cref="None"/>.</param>
    /// <param name="channels">Channels in and out.</param>
    /// <param name="stride">1 on a normal cell's edges, 2 on a reduction cell's edges from its inputs.</param>
    /// <param name="affine">Whether batch norms learn a scale and shift (false while searching, true when retraining).</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a DARTS op; the message lists the valid names.</exception>
    public static Module<Tensor, Tensor> Create(string name, int channels, int stride = 1, bool affine = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        TorchRuntime.EnsureAvailable();
        return name switch
        {
            MaxPool => new PoolBn(PoolKind.Max, channels, stride, affine),
            AvgPool => new PoolBn(PoolKind.Average, channels, stride, affine),
            SkipConnect => OpChecks.Stride(stride, nameof(stride)) == 1 ? new Identity() : new FactorizedReduce(channels, channels, affine),
            SepConv3x3 => new SepConv(channels, channels, 3, stride, affine),
            SepConv5x5 => new SepConv(channels, channels, 5, stride, affine),
            DilConv3x3 => new DilConv(channels, channels, 3, stride, dilation: 2, affine),
            DilConv5x5 => new DilConv(channels, channels, 5, stride, dilation: 2, affine),
            None => new Zero(stride),
            _ => throw new ArgumentException($"'{name}' is not a DARTS op; expected one of: {string.Join(", ", Names)} (or '{None}').", nameof(name)),
        };
    }
}
