using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Strategies.Spos;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Spos;

[TestClass]
public sealed class EvolutionTests
{
    private static readonly SposTrainerOptions Small = new()
    {
        PopulationSize = 12, Generations = 8, ParentCount = 4, CrossoverCount = 6, MutationCount = 6, MutationProbability = 0.2,
    };

    // The toy objective: the sum of the chosen candidates' indices over every decision (higher is better).
    private static double Fitness(bool[][] chosen) => chosen.Sum(d => d.Select((c, i) => c ? i : 0).Sum());

    [TestMethod]
    public void Evolution_raises_a_known_objective_over_its_generations()
    {
        using var net = new ToySpace();
        var evolution = new Evolution(ModelSearchSpace.Of(net).Decisions, Small, seed: 3);
        while (!evolution.Done)
        {
            evolution.RunGeneration(_ => true, c => (Fitness(c), 0));
        }
        var first = evolution.Evaluated.Where(c => c.Generation == 0).ToList();
        var last = evolution.Evaluated.Where(c => c.Generation == Small.Generations - 1).ToList();
        Assert.HasCount(Small.PopulationSize, first);
        Assert.IsGreaterThan(first.Max(c => c.Score), evolution.Best!.Score, "the best found beats the best random draw");
        Assert.IsGreaterThan(first.Average(c => c.Score) + 3, last.Average(c => c.Score), "the last generation is far better on average than the first");
        Assert.AreEqual(evolution.Evaluated.Count, evolution.Evaluated.Select(c => Key(c.Chosen)).Distinct().Count(), "no candidate is scored twice");
    }

    [TestMethod]
    public void Candidates_outside_the_budget_are_never_scored_and_the_objective_still_rises()
    {
        using var net = new ToySpace();
        var evolution = new Evolution(ModelSearchSpace.Of(net).Decisions, Small, seed: 5);
        // The budget: the four LayerChoices together may choose indices summing to at most 5 (of 12).
        static bool Fits(bool[][] chosen) => Fitness(chosen[..4]) <= 5;
        int asked = 0;
        while (!evolution.Done)
        {
            evolution.RunGeneration(Fits, c =>
            {
                asked++;
                Assert.IsTrue(Fits(c), "a candidate outside the budget was scored");
                return (Fitness(c), 0);
            });
        }
        Assert.AreEqual(evolution.Evaluated.Count, asked);
        Assert.IsTrue(evolution.Evaluated.All(c => Fits(c.Chosen)));
        var first = evolution.Evaluated.Where(c => c.Generation == 0).ToList();
        Assert.IsGreaterThan(first.Average(c => c.Score), evolution.Evaluated.Where(c => c.Generation == Small.Generations - 1).Average(c => c.Score));
    }

    [TestMethod]
    public void Draws_mutations_and_crossovers_keep_every_decision_legal()
    {
        using var net = new ToySpace();
        var decisions = ModelSearchSpace.Of(net).Decisions;
        var evolution = new Evolution(decisions, new SposTrainerOptions { MutationProbability = 0.5 }, seed: 11);
        var anyCounts = new HashSet<int>();
        for (int i = 0; i < 300; i++)
        {
            var a = evolution.Draw();
            var b = evolution.Draw();
            foreach (var candidate in new[] { a, evolution.Mutate(a), evolution.Crossover(a, b) })
            {
                Assert.HasCount(decisions.Count, candidate);
                for (int d = 0; d < decisions.Count; d++)
                {
                    Assert.IsTrue(RandomDecisions.IsLegal(decisions[d], candidate[d]), $"{decisions[d]}: {string.Join(",", candidate[d])}");
                }
                anyCounts.Add(candidate[^1].Count(c => c));
            }
        }
        Assert.AreEqual(2, decisions[4].NChosen);
        Assert.IsNull(decisions[5].NChosen);
        // Any subset means any size, the empty set and all three included.
        CollectionAssert.AreEquivalent(new[] { 0, 1, 2, 3 }, anyCounts.ToArray());
    }

    [TestMethod]
    public void A_saved_evolution_continues_as_an_uninterrupted_one()
    {
        using var net = new ToySpace();
        var decisions = ModelSearchSpace.Of(net).Decisions;
        var whole = new Evolution(decisions, Small, seed: 9);
        while (!whole.Done)
        {
            whole.RunGeneration(_ => true, c => (Fitness(c), 0));
        }
        var first = new Evolution(decisions, Small, seed: 9);
        for (int i = 0; i < 3; i++)
        {
            first.RunGeneration(_ => true, c => (Fitness(c), 0));
        }
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            first.Save(writer);
        }
        stream.Position = 0;
        var resumed = new Evolution(decisions, Small, seed: 1234);
        using (var reader = new BinaryReader(stream))
        {
            resumed.Load(reader);
        }
        while (!resumed.Done)
        {
            resumed.RunGeneration(_ => true, c => (Fitness(c), 0));
        }
        CollectionAssert.AreEqual(whole.Evaluated.Select(c => $"{c.Generation}:{Key(c.Chosen)}:{c.Score}").ToArray(),
            resumed.Evaluated.Select(c => $"{c.Generation}:{Key(c.Chosen)}:{c.Score}").ToArray());
    }

    private static string Key(bool[][] chosen) => string.Join('|', chosen.Select(d => string.Concat(d.Select(c => c ? '1' : '0'))));

    /// <summary>Four LayerChoices of four candidates, then InputChoices choosing two of four and any subset of three.</summary>
    private sealed class ToySpace : nn.Module<Tensor, Tensor>
    {
        private readonly LayerChoice c1 = Choice("c1");
        private readonly LayerChoice c2 = Choice("c2");
        private readonly LayerChoice c3 = Choice("c3");
        private readonly LayerChoice c4 = Choice("c4");
        private readonly InputChoice two = new(4, nChosen: 2, key: "two");
        private readonly InputChoice any = new(3, nChosen: null, key: "any");

        public ToySpace()
            : base(nameof(ToySpace)) => RegisterComponents();

        public override Tensor forward(Tensor input) => throw new NotSupportedException("Only the decisions are used.");

        private static LayerChoice Choice(string key) =>
            new(Enumerable.Range(0, 4).Select(_ => (nn.Module<Tensor, Tensor>)nn.Identity()), key: key);
    }
}
