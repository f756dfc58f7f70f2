using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Strategies.Spos;

/// <summary>One architecture the evolution scored: a bool per candidate by decision (in the space's order).</summary>
internal sealed record EvolutionCandidate(int Generation, bool[][] Chosen, double Score, double Loss);

/// <summary>
/// SPOS's evolutionary search (NNI v1.9 <c>spos/evolution.py</c>) over the decisions of a space, one generation per
/// <see cref="RunGeneration"/>. Generation 0 is a population of uniformly drawn architectures; each later one takes the
/// best <see cref="SposTrainerOptions.ParentCount"/> of the previous generation as parents, makes up to
/// <see cref="SposTrainerOptions.MutationCount"/> children by mutation (each decision drawn anew with
/// <see cref="SposTrainerOptions.MutationProbability"/>) and up to <see cref="SposTrainerOptions.CrossoverCount"/> by
/// crossover (each decision from one of two parents), at most ten tries each as NNI, and fills the population with
/// drawn ones. Every operation acts on whole decisions and draws a decision only as <see cref="RandomDecisions"/> does,
/// so every candidate is legal (a LayerChoice one-hot, an InputChoice with its nChosen). A candidate already scored,
/// or outside the budget, is rejected before it is scored. The whole state (generation, draws, every scored candidate
/// and the last generation) is saved with a checkpoint.
/// </summary>
internal sealed class Evolution
{
    private const int RandomTriesPerMember = 100;

    private readonly IReadOnlyList<DecisionInfo> decisions;
    private readonly SposTrainerOptions settings;
    private readonly SamplerRandom random;
    private readonly List<EvolutionCandidate> evaluated = [];
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private List<EvolutionCandidate> population = [];

    public Evolution(IReadOnlyList<DecisionInfo> decisions, SposTrainerOptions settings, int seed)
    {
        this.decisions = decisions;
        this.settings = settings;
        random = SamplerRandom.FromSeed(seed);
    }

    /// <summary>Generations run so far.</summary>
    public int Generation { get; private set; }

    /// <summary>Whether all <see cref="SposTrainerOptions.Generations"/> have run.</summary>
    public bool Done => Generation >= settings.Generations;

    /// <summary>Every scored candidate, in the order scored.</summary>
    public IReadOnlyList<EvolutionCandidate> Evaluated => evaluated;

    /// <summary>The highest-scoring candidate so far (the first of equals); null before any is scored.</summary>
    public EvolutionCandidate? Best => evaluated.Count == 0 ? null : evaluated.Aggregate((best, c) => c.Score > best.Score ? c : best);

    /// <summary>Makes and scores the next generation; returns its members.</summary>
    /// <param name="fits">Whether a candidate is inside the budget (asked before it is scored).</param>
    /// <param name="score">The score (higher is better) and loss of a candidate.</param>
    public IReadOnlyList<EvolutionCandidate> RunGeneration(Func<bool[][], bool> fits, Func<bool[][], (double Score, double Loss)> score)
    {
        var children = new List<bool[][]>();
        bool Accept(bool[][] candidate)
        {
            if (!seen.Add(Key(candidate)))
            {
                return false;
            }
            if (!fits(candidate))
            {
                // Remembered as seen: a rejected candidate is never asked about again.
                return false;
            }
            children.Add(candidate);
            return true;
        }
        if (Generation > 0 && population.Count > 0)
        {
            var parents = population.OrderByDescending(c => c.Score).ThenBy(c => evaluated.IndexOf(c)).Take(settings.ParentCount).ToList();
            int made = 0;
            for (int i = 0; i < 10 * settings.MutationCount && made < settings.MutationCount; i++)
            {
                made += Accept(Mutate(parents[random.Next(parents.Count)].Chosen)) ? 1 : 0;
            }
            made = 0;
            for (int i = 0; i < 10 * settings.CrossoverCount && made < settings.CrossoverCount; i++)
            {
                var first = parents[random.Next(parents.Count)].Chosen;
                var second = parents[random.Next(parents.Count)].Chosen;
                made += Accept(Crossover(first, second)) ? 1 : 0;
            }
        }
        for (int tries = 0; children.Count < settings.PopulationSize && tries < RandomTriesPerMember * settings.PopulationSize; tries++)
        {
            Accept(Draw());
        }
        var generation = new List<EvolutionCandidate>();
        foreach (var child in children)
        {
            var (value, loss) = score(child);
            var candidate = new EvolutionCandidate(Generation, child, value, loss);
            evaluated.Add(candidate);
            generation.Add(candidate);
        }
        // NNI's next parents come from this generation alone; a generation that found nothing new keeps the last one's.
        if (generation.Count > 0)
        {
            population = generation;
        }
        Generation++;
        return generation;
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(Generation);
        writer.Write(random.State);
        writer.Write(seen.Count);
        foreach (var key in seen.Order(StringComparer.Ordinal))
        {
            writer.Write(key);
        }
        writer.Write(evaluated.Count);
        foreach (var candidate in evaluated)
        {
            writer.Write(candidate.Generation);
            writer.Write(Key(candidate.Chosen));
            writer.Write(candidate.Score);
            writer.Write(candidate.Loss);
        }
        writer.Write(population.Count);
        foreach (var member in population)
        {
            writer.Write(evaluated.IndexOf(member));
        }
    }

    public void Load(BinaryReader reader)
    {
        Generation = reader.ReadInt32();
        random.State = reader.ReadUInt64();
        seen.Clear();
        int seenCount = reader.ReadInt32();
        for (int i = 0; i < seenCount; i++)
        {
            seen.Add(reader.ReadString());
        }
        evaluated.Clear();
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            int generation = reader.ReadInt32();
            var chosen = FromKey(reader.ReadString());
            evaluated.Add(new EvolutionCandidate(generation, chosen, reader.ReadDouble(), reader.ReadDouble()));
        }
        int members = reader.ReadInt32();
        population = Enumerable.Range(0, members).Select(_ => evaluated[reader.ReadInt32()]).ToList();
    }

    /// <summary>A uniformly drawn candidate.</summary>
    public bool[][] Draw() => decisions.Select(d => RandomDecisions.Sample(d, random)).ToArray();

    /// <summary>A copy of <paramref name="parent"/> with each decision drawn anew with the mutation probability.</summary>
    public bool[][] Mutate(bool[][] parent) =>
        parent.Select((chosen, i) => random.NextDouble() < settings.MutationProbability ? RandomDecisions.Sample(decisions[i], random) : chosen).ToArray();

    /// <summary>Each decision from one of the two parents, with even odds.</summary>
    public bool[][] Crossover(bool[][] first, bool[][] second) =>
        first.Select((chosen, i) => random.Next(2) == 0 ? chosen : second[i]).ToArray();

    // One character per candidate, '|' between decisions: readable, and the saved form of a candidate.
    private static string Key(bool[][] chosen) => string.Join('|', chosen.Select(d => new string(d.Select(c => c ? '1' : '0').ToArray())));

    private bool[][] FromKey(string key)
    {
        var parts = key.Split('|');
        if (parts.Length != decisions.Count || parts.Where((p, i) => p.Length != decisions[i].CandidateCount).Any())
        {
            throw new InvalidDataException($"The checkpoint's SPOS candidate '{key}' does not fit this space's {decisions.Count} decisions.");
        }
        return parts.Select(p => p.Select(c => c == '1').ToArray()).ToArray();
    }
}
