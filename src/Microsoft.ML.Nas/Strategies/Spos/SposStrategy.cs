using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutators;

namespace Microsoft.ML.Nas.Strategies.Spos;

/// <summary>
/// SPOS plugged into <see cref="OneShotTrainer"/>: every epoch a "train" phase of uniform single-path steps; the last
/// epoch adds an "evolution" phase of one step per generation (<see cref="Evolution"/>), whose state goes into the
/// checkpoint written after it. The export is the best-scoring candidate of the whole evolution (NNI leaves the pick
/// among its exported top candidates to the user); an export before the evolution finished runs the rest first.
/// </summary>
public sealed class SposStrategy : IOneShotStrategy
{
    private const string EvolutionPhase = "evolution";
    private const int StateVersion = 1;

    private readonly SposTrainerOptions options;
    private OneShotContext? context;
    private SinglePathSupernet? supernet;
    private Evolution? evolution;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public SposStrategy(SposTrainerOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <inheritdoc/>
    public string Name => "SPOS";

    /// <summary>The mutator drawing the training paths (after attachment).</summary>
    public RandomMutator Mutator => Attached.Supernet.Mutator;

    /// <summary>Every candidate the evolution has scored so far, in order; the best is marked exported.</summary>
    public IReadOnlyList<ScoredArchitecture> Candidates
    {
        get
        {
            var (_, single, evolve) = Attached;
            var best = evolve.Best;
            var budget = context!.ArchitectureBudget;
            return evolve.Evaluated.Select(c =>
            {
                var (parameters, latency) = budget is null ? default : budget.Costs(ToMasks(single, c.Chosen));
                return new ScoredArchitecture(ToArchitecture(single, c.Chosen), c.Score, c.Loss, parameters, ReferenceEquals(c, best), latency);
            }).ToList();
        }
    }

    /// <summary>Generations the evolution has run.</summary>
    public int Generation => Attached.Evolution.Generation;

    private (OneShotContext Context, SinglePathSupernet Supernet, Evolution Evolution) Attached =>
        context is null ? throw new InvalidOperationException("The SPOS strategy is not attached to a trainer yet.") : (context, supernet!, evolution!);

    /// <inheritdoc/>
    public void Attach(OneShotContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        supernet = new SinglePathSupernet(context, options, Name);
        evolution = new Evolution(supernet.Mutator.Decisions, options, unchecked((int)(context.Environment.Seed * 1_000_003) ^ 0x0E70));
    }

    /// <inheritdoc/>
    public void OnEpochStart(int epoch)
    {
    }

    /// <inheritdoc/>
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch)
    {
        var (ctx, single, _) = Attached;
        // The last epoch of the plan (fewer than Options.Epochs under a time budget) ends with the evolution.
        return epoch >= ctx.Epochs - 1 ? [single.TrainPhase, new OneShotPhase(EvolutionPhase, options.Generations)] : [single.TrainPhase];
    }

    /// <inheritdoc/>
    public StepResult Step(OneShotPhase phase, int step)
    {
        ArgumentNullException.ThrowIfNull(phase);
        return phase.Name == EvolutionPhase ? EvolutionStep(lastOfPhase: step == phase.Steps - 1) : Attached.Supernet.TrainStep();
    }

    /// <inheritdoc/>
    public EvaluationResult? Validate(int epoch) => Attached.Supernet.Validate();

    /// <summary>SPOS keeps no architecture weights.</summary>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => new Dictionary<string, float[]>();

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var (_, single, evolve) = Attached;
        writer.Write(StateVersion);
        writer.Write(single.Mutator.SamplerState);
        evolve.Save(writer);
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var (_, single, evolve) = Attached;
        int version = reader.ReadInt32();
        if (version != StateVersion)
        {
            throw new InvalidDataException($"The checkpoint's SPOS state is version {version}; this build reads version {StateVersion}.");
        }
        single.Mutator.SamplerState = reader.ReadUInt64();
        evolve.Load(reader);
    }

    /// <summary>
    /// The best candidate of the evolution, run to its end first if it has not finished; under a time budget
    /// (<see cref="OneShotTrainerOptions.TimeBudget"/>, or a Fit's share of its own), the best so far, after only as many
    /// generations as it takes for one candidate to fit. The supernet is left on it.
    /// </summary>
    /// <exception cref="InvalidOperationException">No candidate fitted the budget.</exception>
    public Architecture Export()
    {
        var (ctx, single, evolve) = Attached;
        // A time budget that ended the last epoch inside its evolution phase has spent the evolution's time; the
        // generations it did not reach would run after the budget.
        bool timed = ctx.TimeBudgeted;
        while (!evolve.Done && !(timed && evolve.Best is not null))
        {
            EvolutionStep(lastOfPhase: false);
        }
        if (!evolve.Done)
        {
            ctx.Log(string.Create(CultureInfo.InvariantCulture,
                $"SPOS export: the time budget ended the evolution after generation {evolve.Generation} of {options.Generations}."));
        }
        var best = evolve.Best ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"SPOS found no architecture with {ctx.ArchitectureBudget} among its draws ({ctx.ArchitectureBudget?.DescribeSmallest()}); raise {ctx.ArchitectureBudget?.Options}."));
        var architecture = ToArchitecture(single, best.Chosen);
        single.Mutator.SetDecisions(architecture);
        ctx.Log(string.Create(CultureInfo.InvariantCulture,
            $"SPOS export: the best of {evolve.Evaluated.Count} candidates (generation {best.Generation + 1}) scored {best.Score:F4}: {architecture.ToJson()}"));
        return architecture;
    }

    /// <inheritdoc/>
    public void Dispose() => supernet?.Dispose();

    /// <summary>One generation; reports its best and mean score, and at the end of the phase the best so far and how many were scored.</summary>
    private StepResult EvolutionStep(bool lastOfPhase)
    {
        var (ctx, single, evolve) = Attached;
        if (evolve.Done)
        {
            return StepResult.None;
        }
        var budget = ctx.ArchitectureBudget;
        var generation = evolve.RunGeneration(
            chosen => budget is null || budget.Fits(ToMasks(single, chosen)),
            chosen =>
            {
                var result = single.Score(ToArchitecture(single, chosen));
                return (result.Metric, result.Loss);
            });
        var values = new Dictionary<string, double>();
        if (lastOfPhase && evolve.Best is { } best)
        {
            // Only the last step reports them, so the epoch's mean is their value at the end of the evolution.
            values["best_score"] = best.Score;
            values["candidates_scored"] = evolve.Evaluated.Count;
        }
        if (generation.Count > 0)
        {
            values["generation_best"] = generation.Max(c => c.Score);
            values["generation_mean"] = generation.Average(c => c.Score);
        }
        return new StepResult(Values: values);
    }

    private static Dictionary<string, bool[]> ToMasks(SinglePathSupernet single, bool[][] chosen) =>
        single.Mutator.Decisions.Select((d, i) => (d.Key, chosen[i])).ToDictionary(p => p.Key, p => p.Item2, StringComparer.Ordinal);

    private static Architecture ToArchitecture(SinglePathSupernet single, bool[][] chosen) =>
        ArchitectureResolver.FromMasks(single.Mutator.SearchSpace, ToMasks(single, chosen));
}
