using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// DARTS's pooling op: a 3×3 max or average pool (padding 1, padding excluded from the average), then batch norm.
/// The norm puts the parameter-free pool's output on the same scale as the conv ops it is mixed with.
/// </summary>
public sealed class PoolBn : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> pool;
    private readonly Module<Tensor, Tensor> bn;

    /// <summary>Creates the op.</summary>
    /// <param name="kind">Max or average.</param>
    /// <param name="channels">Channels in and out.</param>
    /// <param name="stride">1 keeps the spatial size, 2 halves it (rounding up).</param>
    /// <param name="affine">Whether the batch norm learns a scale and shift (DARTS search uses false).</param>
    public PoolBn(PoolKind kind, int channels, int stride = 1, bool affine = true) : base(nameof(PoolBn))
    {
        pool = Pool.Create(kind, OpChecks.Stride(stride, nameof(stride)));
        bn = BatchNorm2d(OpChecks.Channels(channels, nameof(channels)), affine: affine);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var pooled = pool.call(input);
        return bn.call(pooled);
    }
}
