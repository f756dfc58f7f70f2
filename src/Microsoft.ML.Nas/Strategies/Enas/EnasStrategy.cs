using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// ENAS plugged into <see cref="OneShotTrainer"/>. The training data is split into a child part and a reward part
/// (<see cref="EnasTrainerOptions.RewardFraction"/>, a seeded stratified sample that holds every class in its share,
/// where NNI takes the last rows). Each epoch runs a "child" phase (per step: sample an
/// architecture without gradients, one SGD step of the shared weights, with the auxiliary loss when the model has an
/// auxiliary head) and a "controller" phase (per step: <see cref="EnasTrainerOptions.ControllerAggregate"/> sampled
/// architectures, each rewarded on a reward batch in evaluation mode, folded into one REINFORCE step).
/// </summary>
public sealed class EnasStrategy : IOneShotStrategy
{
    private const string ChildPhase = "child";
    private const string ControllerPhase = "controller";
    private const int StateVersion = 3;

    private readonly EnasTrainerOptions options;
    private readonly List<EnasExportCandidate> exportCandidates = [];
    private OneShotContext? context;
    private EnasMutator? mutator;
    private EnasReinforce? reinforce;
    private TensorDataset? childData;
    private TensorDataset? rewardData;
    private BatchStream? childBatches;
    private BatchStream? rewardBatches;
    private Architecture? mostLikely;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public EnasStrategy(EnasTrainerOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <inheritdoc/>
    public string Name => "ENAS";

    /// <summary>The mutator holding the controller (after attachment).</summary>
    public EnasMutator Mutator => mutator ?? throw NotAttached();

    /// <summary>The controller's REINFORCE update: its optimizer and baseline (after attachment).</summary>
    internal EnasReinforce Reinforce => reinforce ?? throw NotAttached();

    /// <summary>The architectures the last <see cref="Export"/> sampled, with their validation rewards; the exported one is marked.</summary>
    public IReadOnlyList<EnasExportCandidate> ExportCandidates => exportCandidates;

    /// <summary>
    /// The data the controller is rewarded on: a stratified <see cref="EnasTrainerOptions.RewardFraction"/> of the
    /// training data, held out of the child steps. Without validation data, the exported architecture is chosen on it.
    /// </summary>
    public TensorDataset RewardData => rewardData ?? throw NotAttached();

    /// <inheritdoc/>
    public void Attach(OneShotContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        (childData, rewardData) = HeldOutData.Split(context.TrainData, options.RewardFraction, context.Environment.Seed,
            "ENAS", nameof(options.RewardFraction), "to reward the controller");
        this.context = context;
        var controllerOptions = (options.Controller ?? EnasMutatorOptions.For(context.Model)).Clone();
        controllerOptions.Seed = unchecked((int)(context.Environment.Seed * 1_000_003) ^ controllerOptions.Seed);
        mutator = new EnasMutator(context.Model, controllerOptions);
        mutator.Controller.to(context.Device);
        reinforce = new EnasReinforce(mutator, options.ControllerLearningRate, options.EntropyWeight, options.SkipWeight,
            options.BaselineDecay, options.ControllerAggregate, options.ControllerGradientClip)
        {
            BaselineFromFirstReward = options.BaselineFromFirstReward,
        };
        childBatches = context.CreateStream("enas-child", childData);
        rewardBatches = context.CreateStream("enas-reward", rewardData);
        mostLikely = mutator.MostLikely().Architecture;
    }

    /// <inheritdoc/>
    public void OnEpochStart(int epoch)
    {
    }

    /// <inheritdoc/>
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch) =>
        [new OneShotPhase(ChildPhase, options.ChildSteps), new OneShotPhase(ControllerPhase, options.ControllerSteps)];

    /// <inheritdoc/>
    public StepResult Step(OneShotPhase phase, int step)
    {
        ArgumentNullException.ThrowIfNull(phase);
        return phase.Name switch
        {
            ChildPhase => ChildStep(),
            ControllerPhase => ControllerStep(lastOfEpoch: step == phase.Steps - 1),
            _ => throw new ArgumentException($"ENAS has the phases '{ChildPhase}' and '{ControllerPhase}', not '{phase.Name}'.", nameof(phase)),
        };
    }

    /// <summary>Validation after an epoch: one sampled architecture evaluated on the validation data, when there is any.</summary>
    public EvaluationResult? Validate(int epoch)
    {
        var ctx = context ?? throw NotAttached();
        if (ctx.ValidData is not { } data)
        {
            return null;
        }
        using (no_grad())
        {
            Mutator.Reset();
        }
        return ctx.Evaluate(data);
    }

    /// <summary>ENAS keeps no per-key architecture weights: the controller's choices depend on each other.</summary>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => new Dictionary<string, float[]>();

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StateVersion);
        ControllerState.Write(writer, Mutator.Controller);
        Reinforce.Optimizer.Save(writer);
        writer.Write(Reinforce.Baseline);
        writer.Write(Reinforce.PendingSamples);
        writer.Write(Mutator.SamplerState);
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int version = reader.ReadInt32();
        if (version != StateVersion)
        {
            throw new InvalidDataException($"The checkpoint's ENAS state is version {version}; this build reads version {StateVersion}.");
        }
        ControllerState.Read(reader, Mutator.Controller);
        Reinforce.Optimizer.Load(reader);
        Reinforce.Baseline = reader.ReadDouble();
        Reinforce.PendingSamples = reader.ReadInt32();
        Mutator.SamplerState = reader.ReadUInt64();
        // What the restored controller prefers is what it preferred when the checkpoint was written.
        mostLikely = Mutator.MostLikely().Architecture;
    }

    /// <summary>
    /// The architecture to export: by default the best of <see cref="EnasTrainerOptions.ExportSamples"/> samples scored
    /// on the validation data (the reward data when there is none) with the shared weights; with
    /// <see cref="EnasExportMode.SingleSample"/>, one draw. With <see cref="OneShotTrainerOptions.MaxParameters"/> or <see cref="OneShotTrainerOptions.MaxLatency"/>, draws
    /// that do not fit are skipped (<see cref="BestOfSamples"/>). The draws do not advance the sampling stream, so exporting
    /// twice gives the same architecture and a search continued after an export is unchanged by it.
    /// </summary>
    public Architecture Export()
    {
        var ctx = context ?? throw NotAttached();
        var enas = Mutator;
        ulong position = enas.SamplerState;
        exportCandidates.Clear();
        try
        {
            if (options.ExportMode == EnasExportMode.SingleSample)
            {
                Architecture architecture;
                int draws = 0;
                do
                {
                    using (no_grad())
                    {
                        enas.Reset();
                    }
                    architecture = enas.Export();
                }
                while (ctx.ArchitectureBudget is { } budget && !budget.Fits(architecture) && ++draws < BestOfSamples.DrawsPerSample);
                if (ctx.ArchitectureBudget is { } limit && !limit.Fits(architecture))
                {
                    throw new InvalidOperationException(
                        $"ENAS export: none of {draws} sampled architectures has {limit} ({limit.DescribeSmallest()}); raise {limit.Options}.");
                }
                exportCandidates.Add(new EnasExportCandidate(architecture, double.NaN, double.NaN, Exported: true));
                return architecture;
            }
            return ExportBest(ctx, enas);
        }
        finally
        {
            enas.SamplerState = position;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        reinforce?.Dispose();
        mutator?.Dispose();
        childData?.Dispose();
        rewardData?.Dispose();
    }

    private Architecture ExportBest(OneShotContext ctx, EnasMutator enas)
    {
        var data = ctx.ValidData ?? RewardData;
        var reward = options.Reward ?? ctx.Metric;
        ctx.Log($"ENAS export: scoring {options.ExportSamples} sampled architectures on the " +
            (ctx.ValidData is null ? $"reward data ({data.Count} samples held out of the training data)" : $"validation data ({data.Count} samples)") + ".");
        var scored = BestOfSamples.Run(ctx, Name, options.ExportSamples,
            () =>
            {
                enas.Reset();
                return enas.Export();
            },
            () => Evaluation.Run(ctx.Model, data, ctx.Options.BatchSize, ctx.Loss, reward, ctx.Environment.CancellationToken,
                options.RewardNormalization == RewardNormalization.BatchStatistics));
        exportCandidates.AddRange(scored.Select(s => new EnasExportCandidate(s.Architecture, s.Score, s.Loss, s.Exported)));
        var best = scored.Single(s => s.Exported).Architecture;
        enas.SetDecisions(best);
        return best;
    }

    private StepResult ChildStep()
    {
        var (ctx, enas) = Attached();
        using (no_grad())
        {
            enas.Reset();
        }
        return ctx.TrainWeights(childBatches!.Next(), options.AuxiliaryWeight);
    }

    private StepResult ControllerStep(bool lastOfEpoch)
    {
        var (ctx, enas) = Attached();
        var reward = options.Reward ?? ctx.Metric;
        bool wasTraining = ctx.Model.training;
        ctx.Model.eval();
        using var statistics = options.RewardNormalization == RewardNormalization.BatchStatistics ? new BatchStatisticsScope(ctx.Model) : null;
        double rewardSum = 0, entropySum = 0, skipSum = 0, lossSum = 0;
        ControllerUpdate? last = null;
        try
        {
            for (int i = 0; i < options.ControllerAggregate; i++)
            {
                using var scope = NewDisposeScope();
                enas.Reset();
                var batch = rewardBatches!.Next();
                double value;
                using (no_grad())
                {
                    value = reward(ctx.Model.call(batch.Features), batch.Labels);
                }
                NonFiniteTrainingException.ThrowIfNotFinite(value, "reward");
                last = Reinforce.Observe(value);
                rewardSum += last.Reward;
                entropySum += last.Entropy;
                skipSum += last.SkipPenalty;
                lossSum += last.Loss;
            }
        }
        finally
        {
            ctx.Model.train(wasTraining);
        }
        int n = options.ControllerAggregate;
        var values = new Dictionary<string, double>
        {
            ["reward"] = rewardSum / n,
            ["baseline"] = last!.Baseline,
            ["entropy"] = entropySum / n,
            ["skip_penalty"] = skipSum / n,
            ["controller_loss"] = lossSum / n,
        };
        if (lastOfEpoch)
        {
            AddMostLikely(values, enas);
        }
        return new StepResult(Values: values);
    }

    /// <summary>
    /// How settled the controller is at the end of an epoch, for the history: the probability per decision (geometric
    /// mean) of the architecture it finds most likely, the share of its layer choices that picked a pool or a skip (a
    /// search drifting to them shows here), and in how many decisions that architecture changed since the last epoch. Only the last controller step reports them, so the epoch's mean is their value at its end.
    /// </summary>
    private void AddMostLikely(Dictionary<string, double> values, EnasMutator enas)
    {
        var (architecture, logProbability, decisions, poolOrSkip) = enas.MostLikely();
        values["top_architecture_probability"] = Math.Exp(logProbability / Math.Max(1, decisions));
        values["top_architecture_pool_or_skip_share"] = poolOrSkip;
        values["top_architecture_changes"] = mostLikely is null ? 0
            : architecture.Choices.Count(c => !mostLikely.Choices.TryGetValue(c.Key, out var before) || !before.Equals(c.Value));
        mostLikely = architecture;
    }

    private (OneShotContext Context, EnasMutator Mutator) Attached() =>
        context is null || mutator is null ? throw NotAttached() : (context, mutator);

    private static InvalidOperationException NotAttached() => new("The ENAS strategy is not attached to a trainer yet.");
}
