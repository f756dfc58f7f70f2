using Microsoft.ML.Nas.Mutables;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>
/// A node of an ENAS micro cell, a <see cref="MutableScope"/> keyed <c>{normal|reduce}_node_i</c>: the sum of two
/// <see cref="EnasMicroBranch"/>es (<c>_x</c> and <c>_y</c>) over the cell's outputs so far.
/// </summary>
internal sealed class EnasMicroNode : MutableScope<IReadOnlyList<Tensor>, (Tensor Output, bool[] Used)>
{
    private readonly EnasMicroBranch x;
    private readonly EnasMicroBranch y;

    /// <summary>Creates the node.</summary>
    /// <param name="key">The node's key.</param>
    /// <param name="chooseFrom">The keys of the outputs its branches may take.</param>
    /// <param name="channels">Channels of every output in the cell.</param>
    public EnasMicroNode(string key, IReadOnlyList<string> chooseFrom, int channels)
        : base(key)
    {
        x = new EnasMicroBranch(key + "_x", chooseFrom, channels);
        y = new EnasMicroBranch(key + "_y", chooseFrom, channels);
        RegisterComponents();
    }

    /// <inheritdoc/>
    protected override (Tensor Output, bool[] Used) ForwardScope(IReadOnlyList<Tensor> input)
    {
        using var scope = NewDisposeScope();
        var (left, leftChosen) = x.Run(input);
        var (right, rightChosen) = y.Run(input);
        var used = leftChosen.Select((chosen, i) => chosen || rightChosen[i]).ToArray();
        return ((left + right).MoveToOuterDisposeScope(), used);
    }
}
