using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutators;

/// <summary>
/// Samples architectures uniformly: a LayerChoice picks one candidate; an InputChoice choosing any subset keeps each
/// input with probability 1/2; one choosing k keeps a uniformly random k-subset. The same seed gives the same sequence,
/// and <see cref="SamplerState"/> saves and restores its position.
/// </summary>
public sealed class RandomMutator : Mutator
{
    private readonly SamplerRandom random;

    /// <summary>Binds to <paramref name="model"/> and samples a first architecture.</summary>
    /// <param name="model">The supernet.</param>
    /// <param name="seed">The seed of the sampling sequence.</param>
    public RandomMutator(nn.Module model, int seed = 0)
        : base(model)
    {
        random = SamplerRandom.FromSeed(seed);
        Reset();
    }

    /// <summary>The position of the sampling stream: save it with a checkpoint and set it back to resume the same draws.</summary>
    public ulong SamplerState
    {
        get => random.State;
        set => random.State = value;
    }

    /// <summary>Samples a new decision for every key.</summary>
    public override void Reset()
    {
        foreach (var decision in Decisions)
        {
            using var mask = tensor(RandomDecisions.Sample(decision, random));
            SetDecision(decision.Key, mask);
        }
    }
}
