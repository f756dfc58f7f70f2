using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Mutators;

/// <summary>
/// Uniform draws of legal decisions, shared by <see cref="RandomMutator"/> and the evolution of SPOS: a LayerChoice
/// picks one candidate; an InputChoice choosing k picks a uniformly random k-subset; one choosing any subset keeps each
/// input with probability 1/2.
/// </summary>
internal static class RandomDecisions
{
    public static bool[] Sample(DecisionInfo decision, SamplerRandom random)
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
                int j = i + random.Next(order.Length - i);
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
        return chosen;
    }

    /// <summary>Whether <paramref name="chosen"/> is a decision <paramref name="decision"/> accepts.</summary>
    public static bool IsLegal(DecisionInfo decision, bool[] chosen)
    {
        if (chosen.Length != decision.CandidateCount)
        {
            return false;
        }
        int count = chosen.Count(c => c);
        return decision.Kind == MutableKind.LayerChoice ? count == 1 : decision.NChosen is not { } k || count == k;
    }
}
