using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>
/// One stage of the ENAS micro network: optionally a reduction (both cell inputs halved in size by a
/// <see cref="FactorizedReduce"/> each, to the new channel count), then an <see cref="EnasMicroCell"/>.
/// </summary>
internal sealed class EnasMicroStage : nn.Module<(Tensor PreviousPrevious, Tensor Previous), (Tensor Previous, Tensor Output)>
{
    private readonly FactorizedReduce? reducePreviousPrevious;
    private readonly FactorizedReduce? reducePrevious;
    private readonly EnasMicroCell cell;

    /// <summary>Creates the stage.</summary>
    /// <param name="nodes">Nodes per cell.</param>
    /// <param name="previousPreviousChannels">Channels of the output two cells back.</param>
    /// <param name="previousChannels">Channels of the previous cell's output.</param>
    /// <param name="channels">Channels of the cell.</param>
    /// <param name="reduction">Whether the stage halves the size first (and its cell uses the <c>reduce</c> keys).</param>
    public EnasMicroStage(int nodes, int previousPreviousChannels, int previousChannels, int channels, bool reduction)
        : base(nameof(EnasMicroStage))
    {
        IsReduction = reduction;
        if (reduction)
        {
            reducePreviousPrevious = new FactorizedReduce(previousPreviousChannels, channels, affine: false, relu: false);
            reducePrevious = new FactorizedReduce(previousChannels, channels, affine: false, relu: false);
            previousPreviousChannels = previousChannels = channels;
        }
        cell = new EnasMicroCell(nodes, previousPreviousChannels, previousChannels, channels, reduction);
        RegisterComponents();
    }

    /// <summary>Whether the stage halves the size.</summary>
    public bool IsReduction { get; }

    /// <inheritdoc/>
    public override (Tensor Previous, Tensor Output) forward((Tensor PreviousPrevious, Tensor Previous) input)
    {
        if (reducePreviousPrevious is null || reducePrevious is null)
        {
            return cell.call(input);
        }
        using var scope = NewDisposeScope();
        var (previous, output) = cell.call((reducePreviousPrevious.call(input.PreviousPrevious), reducePrevious.call(input.Previous)));
        return (previous.MoveToOuterDisposeScope(), output.MoveToOuterDisposeScope());
    }
}
