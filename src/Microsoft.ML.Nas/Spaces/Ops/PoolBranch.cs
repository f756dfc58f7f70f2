using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// An ENAS macro pooling candidate: a 1×1 <see cref="ConvBnRelu"/> to the output channels, a 3×3 max or average pool
/// (stride 1, padding 1, padding excluded from the average), then batch norm as NNI's ENAS does.
/// </summary>
public sealed class PoolBranch : Module<Tensor, Tensor>
{
    private readonly ConvBnRelu preprocess;
    private readonly Module<Tensor, Tensor> pool;
    private readonly Module<Tensor, Tensor> bn;

    /// <summary>Creates the branch.</summary>
    /// <param name="kind">Max or average.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="affine">Whether the final batch norm learns a scale and shift (ENAS uses false).</param>
    public PoolBranch(PoolKind kind, int inChannels, int outChannels, bool affine = false) : base(nameof(PoolBranch))
    {
        preprocess = new ConvBnRelu(inChannels, outChannels);
        pool = Pool.Create(kind, stride: 1);
        bn = BatchNorm2d(outChannels, affine: affine);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return bn.call(pool.call(preprocess.call(input))).MoveToOuterDisposeScope();
    }
}
