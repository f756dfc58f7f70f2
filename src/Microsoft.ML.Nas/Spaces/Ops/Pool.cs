using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// A 3×3 max or average pool with padding 1 and no parameters (ENAS micro's pooling candidates). The average
/// excludes the padding, so border pixels are not pulled toward zero.
/// </summary>
public sealed class Pool : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> pool;

    /// <summary>Creates the pool.</summary>
    /// <param name="kind">Max or average.</param>
    /// <param name="stride">1 keeps the spatial size, 2 halves it (rounding up).</param>
    public Pool(PoolKind kind, int stride = 1) : base(nameof(Pool))
    {
        Kind = kind;
        pool = Create(kind, OpChecks.Stride(stride, nameof(stride)));
        RegisterComponents();
    }

    /// <summary>Max or average.</summary>
    public PoolKind Kind { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => pool.call(input);

    internal static Module<Tensor, Tensor> Create(PoolKind kind, int stride) => kind switch
    {
        PoolKind.Max => new MaxPool3x3(stride),
        PoolKind.Average => new AveragePool3x3(stride),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The pool kind must be Max or Average."),
    };
}
