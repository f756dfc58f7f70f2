using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// The "none" op: an all-zero output of the shape the other candidates produce (at stride 2, every other row and
/// column, so odd sizes round up like a padded 3×3 conv). Multiplying keeps the output on the autograd graph.
/// </summary>
public sealed class Zero : Module<Tensor, Tensor>
{
    private readonly int stride;

    /// <summary>Creates the op.</summary>
    /// <param name="stride">1 keeps the spatial size, 2 halves it (rounding up).</param>
    public Zero(int stride = 1) : base(nameof(Zero))
    {
        this.stride = OpChecks.Stride(stride, nameof(stride));
    }

    /// <summary>1 keeps the spatial size, 2 keeps every other row and column.</summary>
    internal int Stride => stride;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (stride == 1)
        {
            return input.mul(0.0);
        }
        using var strided = input[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, stride), TensorIndex.Slice(null, null, stride)];
        return strided.mul(0.0);
    }
}
