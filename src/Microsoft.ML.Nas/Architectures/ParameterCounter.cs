using Microsoft.ML.Nas.Mutables;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// Counts the parameters of the fixed network an architecture makes (what <see cref="FixedArchitecture.Apply(nn.Module, Architecture, nn.Module?)"/>
/// keeps) without building it: each weight tensor of the supernet is counted when every LayerChoice candidate it lies
/// in is chosen. Read once from a supernet; counting is a sum over a few numbers.
/// </summary>
/// <remarks>
/// InputChoices hold no weights and change no count. <see cref="Smallest"/> takes each key's smallest candidate; it is
/// exact unless a LayerChoice lies inside another's candidate (then it is a lower bound).
/// </remarks>
public sealed class ParameterCounter : IArchitectureCost
{
    private readonly ModelSearchSpace space;
    private readonly Dictionary<string, long[]> candidateCosts = new(StringComparer.Ordinal);
    private readonly List<(long Count, (string Key, int Candidate)[] Requires)> entries = [];

    /// <summary>Reads the weight tensors of <paramref name="supernet"/> and where each lies.</summary>
    public ParameterCounter(nn.Module supernet)
    {
        ArgumentNullException.ThrowIfNull(supernet);
        space = ModelSearchSpace.Of(supernet);
        var prefixes = new List<(string Prefix, string Key, int Candidate)>();
        foreach (var decision in space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice))
        {
            candidateCosts[decision.Key] = new long[decision.CandidateCount];
            foreach (string path in decision.Paths)
            {
                for (int i = 0; i < decision.CandidateCount; i++)
                {
                    prefixes.Add(((path.Length == 0 ? "" : path + ".") + decision.CandidateNames[i] + ".", decision.Key, i));
                }
            }
        }
        foreach (var (name, parameter) in supernet.named_parameters())
        {
            long count = parameter.numel();
            var requires = prefixes.Where(p => name.StartsWith(p.Prefix, StringComparison.Ordinal)).Select(p => (p.Key, p.Candidate)).Distinct().ToArray();
            if (requires.Length == 0)
            {
                Fixed += count;
                continue;
            }
            entries.Add((count, requires));
            // The innermost choice carries a nested weight's cost: a lower bound for Smallest.
            var (key, candidate) = requires.OrderByDescending(r => space[r.Key].Paths.Max(p => p.Length)).First();
            candidateCosts[key][candidate] += count;
        }
        Smallest = Fixed + candidateCosts.Values.Sum(costs => costs.Min());
    }

    /// <summary>The weights outside every LayerChoice candidate: in every architecture.</summary>
    public long Fixed { get; }

    /// <summary>The fewest parameters an architecture of this space can have.</summary>
    public long Smallest { get; }

    /// <summary>The parameters of the fixed network <paramref name="architecture"/> makes.</summary>
    /// <exception cref="ArchitectureException">The architecture does not fit the space's keys or choices.</exception>
    public long Count(Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return Count(ArchitectureResolver.ToMasks(architecture, space));
    }

    /// <summary>The parameters of the architecture of <paramref name="chosen"/> (a bool per candidate, by key).</summary>
    internal long Count(IReadOnlyDictionary<string, bool[]> chosen)
    {
        long total = Fixed;
        foreach (var (count, requires) in entries)
        {
            if (requires.All(r => chosen[r.Key][r.Candidate]))
            {
                total += count;
            }
        }
        return total;
    }

    /// <summary>The weights that candidate <paramref name="candidate"/> of LayerChoice key <paramref name="key"/> adds (over all its paths).</summary>
    internal long Cost(string key, int candidate) => candidateCosts[key][candidate];

    /// <summary>The cost of the cheapest candidate of LayerChoice key <paramref name="key"/>.</summary>
    internal long SmallestCost(string key) => candidateCosts[key].Min();

    double IArchitectureCost.Fixed => Fixed;

    double IArchitectureCost.Smallest => Smallest;

    double IArchitectureCost.Cost(string key, int candidate) => Cost(key, candidate);

    double IArchitectureCost.SmallestCost(string key) => SmallestCost(key);

    double IArchitectureCost.Of(IReadOnlyDictionary<string, bool[]> chosen) => Count(chosen);

    string IArchitectureCost.Describe(double value) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(long)value} parameters");
}
