using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces.Ops;
using Microsoft.ML.Nas.Strategies.Darts;

namespace Microsoft.ML.Nas.Strategies.Pdarts;

/// <summary>
/// One P-DARTS stage on <see cref="OneShotTrainer"/> (the shared part: <see cref="DifferentiableStrategy"/>): DARTS's
/// first-order search over the candidates the earlier stages kept (<see cref="PdartsMutator"/>), the skip dropout set
/// at the start of every epoch (<see cref="PdartsTrainerOptions.SkipDropoutAt"/>) and recorded with the stage (from 1)
/// in the history as "skip_dropout" and "stage", and the skip-connection limit at export.
/// </summary>
internal sealed class PdartsStrategy : DifferentiableStrategy
{
    private readonly PdartsTrainerOptions options;
    private readonly int stage;
    private readonly IReadOnlyDictionary<string, bool[]>? kept;
    private readonly IReadOnlyDictionary<string, bool[]> normalCellSkips;

    /// <param name="options">The search's options.</param>
    /// <param name="stage">The stage, from 0.</param>
    /// <param name="kept">Per LayerChoice key, the candidates this stage searches; null for all.</param>
    /// <param name="normalCellSkips">Per LayerChoice key, its skip connections that the limit counts (<see cref="NormalCellSkips"/>).</param>
    public PdartsStrategy(PdartsTrainerOptions options, int stage, IReadOnlyDictionary<string, bool[]>? kept, IReadOnlyDictionary<string, bool[]> normalCellSkips)
        : base("P-DARTS", options)
    {
        this.options = options;
        this.stage = stage;
        this.kept = kept;
        this.normalCellSkips = normalCellSkips;
    }

    public PdartsMutator Mutator => (PdartsMutator)Search.Mutator;

    /// <summary>
    /// Per LayerChoice key of <paramref name="space"/>, which candidates are skip connections of a normal cell: identities
    /// (<see cref="Identity"/>) in a cell (<see cref="CollapseGuard.Cells"/>) none of whose choices holds a
    /// <see cref="FactorizedReduce"/> (DARTS's skip at stride 2, which only reduction cells have). Read from a supernet
    /// that still holds every candidate.
    /// </summary>
    public static Dictionary<string, bool[]> NormalCellSkips(ModelSearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var candidates = space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice)
            .ToDictionary(d => d.Key, d => d.Mutables.OfType<LayerChoice>().First().Candidates, StringComparer.Ordinal);
        var counts = candidates.ToDictionary(p => p.Key, p => new bool[p.Value.Count], StringComparer.Ordinal);
        foreach (var cell in CollapseGuard.Cells(space))
        {
            if (cell.Any(key => candidates[key].Any(c => c is FactorizedReduce)))
            {
                continue;
            }
            foreach (var key in cell)
            {
                counts[key] = candidates[key].Select(c => c is Identity).ToArray();
            }
        }
        return counts;
    }

    /// <inheritdoc/>
    public override void Attach(OneShotContext context)
    {
        Search.Attach(context, model => new PdartsMutator(model, kept), $"pdarts-stage{stage + 1}");
        if (options.MaxSkipConnectionsPerNormalCell is { } max)
        {
            Search.ExportRules = [new CollapseGuard.Rule(max, normalCellSkips, "skip connections")];
        }
        Mutator.SkipDropout = options.SkipDropoutAt(stage, 0, context.Epochs);
    }

    /// <inheritdoc/>
    public override void OnEpochStart(int epoch)
    {
        base.OnEpochStart(epoch);
        Mutator.SkipDropout = options.SkipDropoutAt(stage, epoch, Search.Context.Epochs);
    }

    /// <inheritdoc/>
    public override StepResult Step(OneShotPhase phase, int step)
    {
        var train = Search.WeightBatches.Next();
        var valid = Search.ArchitectureBatches.Next();
        double? architectureLoss = Search.ArchitectureStep(() => Search.FirstOrderGradient(valid));
        Search.Context.ReleaseFreedMemory();
        return Result(Search.WeightStep(train), architectureLoss, [new("skip_dropout", Mutator.SkipDropout), new("stage", stage + 1)]);
    }
}
