using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// What stands in a LayerChoice for a candidate the search dropped (<see cref="LayerChoice.DropCandidates"/>): no
/// weights, and an error if anything runs it, so a mutator that ran a dropped op would fail instead of wasting its time.
/// </summary>
internal sealed class DroppedCandidate : nn.Module<Tensor, Tensor>
{
    private readonly string key;
    private readonly string candidate;

    public DroppedCandidate(string key, string candidate) : base(nameof(DroppedCandidate))
    {
        this.key = key;
        this.candidate = candidate;
    }

    public override Tensor forward(Tensor input) =>
        throw new InvalidOperationException($"Candidate '{candidate}' of '{key}' was dropped from the search and cannot run.");
}
