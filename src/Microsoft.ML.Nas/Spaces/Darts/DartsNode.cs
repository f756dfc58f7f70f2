using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Darts;

/// <summary>
/// One intermediate node of a DARTS cell: an edge (a LayerChoice over <see cref="DartsOps.Names"/>, keyed
/// <c>{id}_p{i}</c>) from each earlier state, and an InputChoice <c>{id}_switch</c> (nChosen 2) summing the kept edges.
/// With partial channels K above 1 (PC-DARTS's search supernet) the edges' ops work on C/K channels
/// (<see cref="PartialChannels"/>).
/// </summary>
internal sealed class DartsNode : nn.Module<IReadOnlyList<Tensor>, Tensor>
{
    private readonly ModuleList<LayerChoice> edges = new();
    private readonly InputChoice input_switch;
    private readonly int partialChannels;
    private readonly int reducedInputs;

    /// <summary>Creates node <paramref name="id"/> (e.g. "normal_n2") fed by <paramref name="predecessors"/> states.</summary>
    /// <param name="id">The node's key prefix.</param>
    /// <param name="predecessors">Number of earlier states (the two cell inputs, then earlier nodes).</param>
    /// <param name="channels">Channels of every state.</param>
    /// <param name="reducedInputs">How many of the first states are reduced (stride 2): 2 in a reduction cell, else 0.</param>
    /// <param name="affine">Whether the ops' batch norms learn scale and shift.</param>
    /// <param name="partialChannels">K: the edges' ops see channels/K channels (1: all of them).</param>
    public DartsNode(string id, int predecessors, int channels, int reducedInputs, bool affine, int partialChannels = 1) : base(id)
    {
        this.partialChannels = partialChannels;
        this.reducedInputs = reducedInputs;
        int opChannels = channels / partialChannels;
        var keys = new List<string>();
        for (int i = 0; i < predecessors; i++)
        {
            int stride = i < reducedInputs ? 2 : 1;
            string key = $"{id}_p{i}";
            keys.Add(key);
            edges.Add(new LayerChoice(DartsOps.Names.Select(name => KeyValuePair.Create(name, DartsOps.Create(name, opChannels, stride, affine))), key: key));
        }
        input_switch = new InputChoice(keys, nChosen: 2, key: $"{id}_switch");
        RegisterComponents();
    }

    /// <summary>Drop-path probability applied in training to each kept edge that is not an identity.</summary>
    public double DropPathProbability { get; set; }

    /// <inheritdoc/>
    public override Tensor forward(IReadOnlyList<Tensor> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var outputs = new Tensor?[edges.Count];
        for (int i = 0; i < edges.Count; i++)
        {
            var edge = edges[i];
            var output = partialChannels == 1 ? edge.Choose(states[i]).Output
                : PartialChannels.Run(states[i], partialChannels, i < reducedInputs, x => edge.Choose(x).Output);
            if (output is not null && training && DropPathProbability > 0 && !IsIdentity(edge))
            {
                output = DropPath.Apply(output, DropPathProbability);
            }
            outputs[i] = output;
        }
        var result = input_switch.Choose(outputs).Output
            ?? throw new InvalidOperationException($"Node '{GetName()}' has no input: its switch kept no edge with an output.");
        // The sum's backward needs none of its inputs: release the edge outputs now rather than at the step's end.
        foreach (var output in outputs)
        {
            if (output is not null && !ReferenceEquals(output, result) && !states.Any(s => ReferenceEquals(s, output)))
            {
                output.Dispose();
            }
        }
        return result;
    }

    // The paper's retraining leaves skip connections undropped.
    private static bool IsIdentity(LayerChoice edge) => edge.IsFixed && edge.Candidates.Count == 1 && edge.Candidates[0] is Ops.Identity;
}
