using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Tests.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Darts;

/// <summary>
/// A LayerChoice "op" (identity or doubling), then an anonymous InputChoice "pick" choosing <paramref name="nChosen"/> of
/// [x, 2x, op(x)]: its inputs are no LayerChoice keys, so DARTS cannot rank them by an edge's op weights.
/// </summary>
internal sealed class AnonymousInputsNet : nn.Module<Tensor, Tensor>
{
    private readonly LayerChoice op;
    private readonly InputChoice pick;

    public AnonymousInputsNet(int? nChosen = 2, Reduction reduction = Reduction.Sum)
        : base(nameof(AnonymousInputsNet))
    {
        op = new LayerChoice([new Scale(1), new Scale(2)], key: "op");
        pick = new InputChoice(3, nChosen: nChosen, reduction: reduction, key: "pick");
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => pick.call([input, input * 2, op.call(input)]);
}
