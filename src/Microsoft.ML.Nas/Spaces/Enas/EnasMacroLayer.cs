using System.Globalization;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>
/// One layer of the ENAS macro space, a <see cref="MutableScope"/> keyed <c>layer_i</c>: a six-way LayerChoice
/// (<c>layer_i_op</c>, <see cref="EnasOps.MacroNames"/>) on the previous layer's output, plus the sum of any subset of
/// the earlier layers' outputs (InputChoice <c>layer_i_skip</c>, from layer 1 on), then batch norm.
/// </summary>
/// <remarks>
/// The skip candidates of layer i are the outputs of layers 0..i−1, each named by its own scope's key, so the
/// controller attends to the anchor of the very layer whose output it picks. (NNI's example passes the stem and layers
/// 0..i−2 under the keys of layers 0..i−1, one off, as the paper's code does.)
/// </remarks>
internal sealed class EnasMacroLayer : MutableScope<(Tensor Previous, IReadOnlyList<Tensor> Earlier), Tensor>
{
    private readonly LayerChoice op;
    private readonly InputChoice? skip;
    private readonly nn.Module<Tensor, Tensor> batchNorm;

    /// <summary>Creates layer <paramref name="index"/> on <paramref name="filters"/> channels.</summary>
    public EnasMacroLayer(int index, int filters)
        : base(KeyOf(index))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        op = new LayerChoice(EnasOps.MacroNames.Select(name => KeyValuePair.Create(name, EnasOps.CreateMacro(name, filters, filters))),
            key: KeyOf(index) + "_op");
        if (index > 0)
        {
            skip = new InputChoice(Enumerable.Range(0, index).Select(KeyOf), nChosen: null, Reduction.Sum, key: KeyOf(index) + "_skip");
        }
        batchNorm = nn.BatchNorm2d(filters, affine: false);
        RegisterComponents();
    }

    /// <summary>The scope key of layer <paramref name="index"/>: <c>layer_{index}</c>.</summary>
    public static string KeyOf(int index) => string.Create(CultureInfo.InvariantCulture, $"layer_{index}");

    /// <inheritdoc/>
    protected override Tensor ForwardScope((Tensor Previous, IReadOnlyList<Tensor> Earlier) input)
    {
        using var scope = NewDisposeScope();
        var output = op.call(input.Previous);
        if (skip is not null && skip.Choose(input.Earlier).Output is { } connection)
        {
            output = output + connection;
        }
        return batchNorm.call(output).MoveToOuterDisposeScope();
    }
}
