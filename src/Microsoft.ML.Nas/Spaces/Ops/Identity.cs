using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>Passes its input through (DARTS's skip connection at stride 1, ENAS micro's "identity").</summary>
/// <remarks>
/// Returns a new handle on the same data, not the input object itself, so a caller that disposes an op's output
/// never disposes the op's input.
/// </remarks>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <summary>Creates the op.</summary>
    public Identity() : base(nameof(Identity))
    {
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => input.alias();
}
