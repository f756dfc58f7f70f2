using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutators;

/// <summary>
/// Samples architectures uniformly: a LayerChoice picks one candidate; an InputChoice choosing any subset keeps each
/// input with probability 1/2; one choosing k keeps a uniformly random k-subset. The same seed gives the same sequence.
/// </summary>
public sealed class RandomMutator : Mutator
{
    private readonly Random random;

    /// <summary>Binds to <paramref name="model"/> and samples a first architecture.</summary>
    /// <param name="model">The supernet.</param>
    /// <param name="seed">The seed of the sampling sequence.</param>
    public RandomMutator(nn.Module model, int seed = 0)
        : base(model)
    {
        random = new Random(seed);
        Reset();
    }

    /// <summary>Samples a new decision for every key.</summary>
    public override void Reset()
    {
        foreach (var decision in Decisions)
        {
            var chosen = new bool[decision.CandidateCount];
            if (decision.Kind == MutableKind.LayerChoice)
            {
                chosen[random.Next(chosen.Length)] = true;
            }
            else if (decision.NChosen is { } k)
            {
                // A partial Fisher–Yates shuffle: the first k of a uniform permutation are a uniform k-subset.
                var order = Enumerable.Range(0, chosen.Length).ToArray();
                for (int i = 0; i < k; i++)
                {
                    int j = random.Next(i, order.Length);
                    (order[i], order[j]) = (order[j], order[i]);
                    chosen[order[i]] = true;
                }
            }
            else
            {
                for (int i = 0; i < chosen.Length; i++)
                {
                    chosen[i] = random.Next(2) == 1;
                }
            }
            using var mask = tensor(chosen);
            SetDecision(decision.Key, mask);
        }
    }
}
