using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Enas;

/// <summary>
/// One of the two branches of an ENAS micro node (NNI's micro <c>Cell</c>): an InputChoice of one earlier output
/// (<c>{name}_input</c>) and a five-way LayerChoice (<c>{name}_op</c>, <see cref="EnasOps.MicroNames"/>) applied to it.
/// </summary>
internal sealed class EnasMicroBranch : nn.Module
{
    private readonly InputChoice input;
    private readonly LayerChoice op;

    /// <summary>Creates the branch.</summary>
    /// <param name="name">The key prefix, e.g. <c>normal_node_2_x</c>.</param>
    /// <param name="chooseFrom">The keys of the outputs it may take ("" for the cell's two inputs).</param>
    /// <param name="channels">Channels of every output in the cell.</param>
    public EnasMicroBranch(string name, IReadOnlyList<string> chooseFrom, int channels)
        : base(nameof(EnasMicroBranch))
    {
        input = new InputChoice(chooseFrom, nChosen: 1, Reduction.Sum, returnMask: true, key: name + "_input");
        op = new LayerChoice(EnasOps.MicroNames.Select(n => KeyValuePair.Create(n, EnasOps.CreateMicro(n, channels))), key: name + "_op");
        RegisterComponents();
    }

    /// <summary>The chosen op on the chosen input, and which inputs were chosen.</summary>
    public (Tensor Output, bool[] Chosen) Run(IReadOnlyList<Tensor> inputs)
    {
        var choice = input.Choose(inputs);
        var chosenInput = choice.Output ?? throw new InvalidOperationException($"InputChoice '{input.Key}' chose no input.");
        bool[] chosen;
        using (var mask = choice.Mask!.detach().ne(0).cpu())
        {
            chosen = mask.data<bool>().ToArray();
        }
        return (op.call(chosenInput), chosen);
    }
}
