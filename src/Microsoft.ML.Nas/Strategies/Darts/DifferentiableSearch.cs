using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// What the DARTS family's strategies share on the loop: the training data split in stratified halves (weights /
/// alphas), a batch stream over each, the alphas' Adam, the first-order architecture step, the weight step, the
/// alphas in checkpoints, and the export (through the collapse guard when it is on).
/// </summary>
internal sealed class DifferentiableSearch : IDisposable
{
    private readonly string name;
    private readonly DifferentiableTrainerOptions options;
    private OneShotContext? context;
    private DifferentiableMutator? mutator;
    private AdamWithL2? architectureOptimizer;
    private BatchStream? weightBatches;
    private BatchStream? architectureBatches;
    private TensorDataset? weightHalf;
    private TensorDataset? architectureHalf;
    private int epoch;

    /// <param name="name">The strategy's name, for messages and logs ("DARTS").</param>
    /// <param name="options">The strategy's options.</param>
    public DifferentiableSearch(string name, DifferentiableTrainerOptions options)
    {
        this.name = name;
        this.options = options;
    }

    public OneShotContext Context => context ?? throw NotAttached();

    public DifferentiableMutator Mutator => mutator ?? throw NotAttached();

    public TensorDataset WeightData => weightHalf ?? throw NotAttached();

    public TensorDataset ArchitectureData => architectureHalf ?? throw NotAttached();

    public BatchStream WeightBatches => weightBatches ?? throw NotAttached();

    public BatchStream ArchitectureBatches => architectureBatches ?? throw NotAttached();

    /// <summary>
    /// Binds to the loop: <paramref name="createMutator"/> binds the alphas to the model, and the halves get streams
    /// named <paramref name="streamPrefix"/>-weights and -architecture (the names seed their shuffles).
    /// </summary>
    public void Attach(OneShotContext context, Func<nn.Module, DifferentiableMutator> createMutator, string streamPrefix)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.TrainData.Count < 2)
        {
            throw new ArgumentException(
                $"{name} splits the training data in halves (weights / alphas): it needs at least 2 samples; got {context.TrainData.Count}.", nameof(context));
        }
        this.context = context;
        mutator = createMutator(context.Model);
        architectureOptimizer = new AdamWithL2(mutator.ArchitectureParameters, options.ArchitectureLearningRate,
            options.ArchitectureBeta1, options.ArchitectureBeta2, options.ArchitectureWeightDecay);
        // Stratified, not contiguous: rows sorted by label would give the weights one half of the classes and the alphas
        // the other. The halves are copies of the training data (their memory is the price of any order).
        (weightHalf, architectureHalf) = context.TrainData.SplitStratified(0.5, context.Environment.Seed);
        context.Log($"{name}: weights train on {weightHalf.Count} samples, the alphas (which choose the architecture) on the other {architectureHalf.Count}; both hold every class in its share.");
        weightBatches = context.CreateStream($"{streamPrefix}-weights", weightHalf);
        architectureBatches = context.CreateStream($"{streamPrefix}-architecture", architectureHalf);
    }

    /// <summary>One phase per epoch, as long as the shorter half lasts.</summary>
    public IReadOnlyList<OneShotPhase> PlanEpoch() =>
        [new OneShotPhase("search", (int)Math.Min(WeightBatches.BatchesPerPass, ArchitectureBatches.BatchesPerPass))];

    /// <summary>Notes the epoch that starts, which decides whether the alphas rest (<see cref="AlphasResting"/>).</summary>
    public void StartEpoch(int epoch) => this.epoch = epoch;

    /// <summary>
    /// Whether the alphas rest in this epoch: the first ⌊<see cref="DifferentiableTrainerOptions.ArchitectureWarmupFraction"/>
    /// × epochs⌋ epochs of the plan train the weights only.
    /// </summary>
    public bool AlphasResting => epoch < (int)Math.Floor(options.ArchitectureWarmupFraction * Context.Epochs);

    /// <summary>
    /// One step of the alphas: <paramref name="computeGradient"/> sets their gradients and returns the architecture
    /// loss, then Adam steps (after a finiteness check: a NaN loss has NaN gradients, which Adam would write into every
    /// alpha). While the alphas rest (<see cref="AlphasResting"/>) nothing runs and the result is null.
    /// </summary>
    public double? ArchitectureStep(Func<double> computeGradient)
    {
        if (AlphasResting)
        {
            return null;
        }
        using var scope = NewDisposeScope();
        architectureOptimizer!.ZeroGrad();
        double loss = computeGradient();
        NonFiniteTrainingException.ThrowIfNotFinite(loss, "architecture loss");
        architectureOptimizer.Step();
        return loss;
    }

    /// <summary>The first-order gradient of the alphas: the loss of <paramref name="valid"/> under differentiable decisions.</summary>
    public double FirstOrderGradient(TensorBatch valid)
    {
        var alphas = Mutator.ArchitectureParameters;
        Mutator.ArchitectureGradients = true;
        Mutator.Reset();
        var validLoss = Context.Loss(Context.Model.call(valid.Features), valid.Labels);
        // Only the alphas' gradients: the weights' would be computed and thrown away by a plain backward. A key the
        // forward did not reach (a sampled input that had no output) gets zero.
        var gradients = autograd.grad([validLoss], [.. alphas], allow_unused: true);
        for (int i = 0; i < gradients.Count; i++)
        {
            SecondOrderArchitectureStep.SetGradient(alphas[i], gradients[i] is { IsInvalid: false } gradient ? gradient : zeros_like(alphas[i]));
        }
        return validLoss.ToDouble();
    }

    /// <summary>One step of the weights on <paramref name="train"/> under detached decisions; returns its loss and metric.</summary>
    public (double Loss, double Metric) WeightStep(TensorBatch train)
    {
        var ctx = Context;
        Mutator.ArchitectureGradients = false;
        Mutator.Reset();
        ctx.WeightOptimizer.ZeroGrad();
        var (loss, logits) = ctx.ForwardLoss(train);
        loss.backward();
        ctx.ClipWeightGradients();
        ctx.WeightOptimizer.Step();
        return (loss.ToDouble(), ctx.Metric(logits, train.Labels));
    }

    /// <summary>The validation data's loss and metric after an epoch, when there is validation data.</summary>
    public EvaluationResult? Validate() => context?.ValidData is { } data ? context.Evaluate(data) : null;

    /// <summary>
    /// Caps of the export beyond the options' <see cref="DifferentiableTrainerOptions.MaxParameterFreeOpsPerCell"/>
    /// (P-DARTS's skip-connection limit); set by the strategy after <see cref="Attach"/>. Empty by default.
    /// </summary>
    public IReadOnlyList<CollapseGuard.Rule> ExportRules { get; set; } = [];

    /// <summary>
    /// The export: DARTS's rules, then the collapse guard when <see cref="DifferentiableTrainerOptions.MaxParameterFreeOpsPerCell"/>
    /// is set or the strategy gave <see cref="ExportRules"/>; within <see cref="OneShotTrainerOptions.MaxParameters"/>, the
    /// LayerChoices are then decided again in the space's order, each taking its strongest candidate that leaves room for
    /// the cheapest of every later one, among the candidates the search still runs, and within the guard's caps while the
    /// budget allows them (<see cref="BudgetedArgmax"/>).
    /// </summary>
    public Architecture Export()
    {
        var architecture = Mutator.Export();
        IReadOnlyList<CollapseGuard.Rule> rules = options.MaxParameterFreeOpsPerCell is { } max
            ? [CollapseGuard.ParameterFree(Mutator.SearchSpace, max), .. ExportRules] : ExportRules;
        if (rules.Count > 0)
        {
            (architecture, var replacements) = CollapseGuard.Export(Mutator, rules);
            string caps = string.Join(" and ", rules.Select(r => $"at most {r.Max} {r.What} per cell"));
            foreach (var replacement in replacements)
            {
                string change = replacement.To is { } to ? $"takes {to} instead of {replacement.From}" : $"gives up {replacement.From}, and its node keeps stronger edges";
                context?.Log($"{name} collapse guard: '{replacement.Key}' {change} ({caps}).");
            }
        }
        if (context?.ArchitectureBudget is not { } budget)
        {
            return architecture;
        }
        var cells = rules.Count > 0 ? CollapseGuard.Cells(Mutator.SearchSpace) : [];
        return BudgetedArgmax.Fit(Mutator.SearchSpace, architecture, Mutator.Weights(), budget, Mutator.KeptCandidates,
            rules.Select(rule => new BudgetedArgmax.Cap(rule.Max, rule.Counts, cells, rule.What)).ToList(), context.Log);
    }

    /// <summary>Writes the alphas and their optimizer.</summary>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var alphas = Mutator.ArchitectureParameters;
        writer.Write(alphas.Count);
        foreach (var alpha in alphas)
        {
            using var scope = NewDisposeScope();
            var values = alpha.detach().cpu().to(ScalarType.Float64).data<double>().ToArray();
            writer.Write(values.Length);
            foreach (double value in values)
            {
                writer.Write(value);
            }
        }
        architectureOptimizer!.Save(writer);
    }

    /// <summary>Reads back what <see cref="SaveState"/> wrote.</summary>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var alphas = Mutator.ArchitectureParameters;
        int count = reader.ReadInt32();
        if (count != alphas.Count)
        {
            throw new InvalidDataException($"The checkpoint holds {count} alpha vectors, but this search space has {alphas.Count}.");
        }
        foreach (var alpha in alphas)
        {
            var values = new double[reader.ReadInt32()];
            if (values.Length != alpha.size(0))
            {
                throw new InvalidDataException($"An alpha vector in the checkpoint has {values.Length} entries; expected {alpha.size(0)}.");
            }
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = reader.ReadDouble();
            }
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            alpha.copy_(tensor(values).to(alpha.dtype).to(alpha.device));
        }
        architectureOptimizer!.Load(reader);
    }

    public void Dispose()
    {
        architectureOptimizer?.Dispose();
        mutator?.Dispose();
        weightHalf?.Dispose();
        architectureHalf?.Dispose();
    }

    private InvalidOperationException NotAttached() => new($"The {name} strategy is not attached to a trainer yet.");
}
