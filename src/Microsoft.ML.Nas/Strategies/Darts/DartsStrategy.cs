using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// DARTS plugged into <see cref="OneShotTrainer"/>: the training data is split in halves (weights / alphas), each a
/// seeded stratified half that holds every class in its share (<see cref="TensorDataset.SplitStratified"/>); each step
/// first updates the alphas on a batch of the architecture half (first or second order), then the weights on a batch
/// of the weight half. The alphas, learned on the architecture half, decide the exported architecture; validation data
/// is only evaluated.
/// </summary>
public sealed class DartsStrategy : IOneShotStrategy
{
    private readonly DartsTrainerOptions options;
    private OneShotContext? context;
    private DartsMutator? mutator;
    private AdamWithL2? architectureOptimizer;
    private SecondOrderArchitectureStep? secondOrder;
    private BatchStream? weightBatches;
    private BatchStream? architectureBatches;
    private TensorDataset? weightHalf;
    private TensorDataset? architectureHalf;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public DartsStrategy(DartsTrainerOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <inheritdoc/>
    public string Name => "DARTS";

    /// <summary>The half of the training data the weights train on (after attachment).</summary>
    public TensorDataset WeightData => weightHalf ?? throw new InvalidOperationException("The DARTS strategy is not attached to a trainer yet.");

    /// <summary>The half of the training data the alphas train on, which chooses the architecture (after attachment).</summary>
    public TensorDataset ArchitectureData => architectureHalf ?? throw new InvalidOperationException("The DARTS strategy is not attached to a trainer yet.");

    /// <summary>The mutator holding the alphas (after attachment).</summary>
    public DartsMutator Mutator => mutator ?? throw new InvalidOperationException("The DARTS strategy is not attached to a trainer yet.");

    /// <inheritdoc/>
    public void Attach(OneShotContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.TrainData.Count < 2)
        {
            throw new ArgumentException(
                $"DARTS splits the training data in halves (weights / alphas): it needs at least 2 samples; got {context.TrainData.Count}.", nameof(context));
        }
        this.context = context;
        mutator = new DartsMutator(context.Model);
        architectureOptimizer = new AdamWithL2(mutator.ArchitectureParameters, options.ArchitectureLearningRate,
            options.ArchitectureBeta1, options.ArchitectureBeta2, options.ArchitectureWeightDecay);
        // Stratified, not contiguous: rows sorted by label would give the weights one half of the classes and the alphas
        // the other. The halves are copies of the training data (their memory is the price of any order).
        (weightHalf, architectureHalf) = context.TrainData.SplitStratified(0.5, context.Environment.Seed);
        context.Log($"DARTS: weights train on {weightHalf.Count} samples, the alphas (which choose the architecture) on the other {architectureHalf.Count}; both hold every class in its share.");
        weightBatches = context.CreateStream("darts-weights", weightHalf);
        architectureBatches = context.CreateStream("darts-architecture", architectureHalf);
        if (options.Unrolled)
        {
            // DartsTrainerOptions.Validate refuses another optimizer with Unrolled: the virtual step is plain SGD's.
            var sgd = context.WeightOptimizer is SgdWithMomentum { Nesterov: false } plain ? plain
                : throw new ArgumentException("The second-order DARTS step (Unrolled) needs the weights' optimizer to be plain SGD (WeightOptimizer Sgd).", nameof(context));
            secondOrder = new SecondOrderArchitectureStep(context.Model, mutator, sgd, context.Loss)
            {
                AfterPass = context.ReleaseFreedMemory,
            };
        }
    }

    /// <inheritdoc/>
    public void OnEpochStart(int epoch)
    {
    }

    /// <inheritdoc/>
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch) =>
        [new OneShotPhase("search", (int)Math.Min(Attached.weights.BatchesPerPass, Attached.architecture.BatchesPerPass))];

    /// <inheritdoc/>
    public StepResult Step(OneShotPhase phase, int step)
    {
        var (ctx, darts, weights, architecture) = Attached;
        var train = weights.Next();
        var valid = architecture.Next();
        double architectureLoss;
        using (NewDisposeScope())
        {
            architectureLoss = ArchitectureStep(ctx, darts, train, valid);
        }
        // The architecture pass's activations are free now; without this the weight pass would stack its own
        // fragmentation on top of theirs (peak 2.8 GiB against 1.9 GiB in the mnist-first benchmark).
        ctx.ReleaseFreedMemory();

        darts.ArchitectureGradients = false;
        darts.Reset();
        ctx.WeightOptimizer.ZeroGrad();
        var (loss, logits) = ctx.ForwardLoss(train);
        loss.backward();
        ctx.ClipWeightGradients();
        ctx.WeightOptimizer.Step();
        return new StepResult(loss.ToDouble(), ctx.Metric(logits, train.Labels),
            new Dictionary<string, double> { ["arch_loss"] = architectureLoss });
    }

    /// <inheritdoc/>
    public EvaluationResult? Validate(int epoch) => context?.ValidData is { } data ? context.Evaluate(data) : null;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => Mutator.Weights();

    /// <inheritdoc/>
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

    /// <inheritdoc/>
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

    /// <summary>
    /// The architecture by NNI's DARTS rules (<see cref="DartsMutator.Export"/>); within
    /// <see cref="OneShotTrainerOptions.MaxParameters"/>, the LayerChoices are decided again in the space's order, each
    /// taking its strongest candidate that leaves room for the cheapest of every later one (<see cref="BudgetedArgmax"/>).
    /// </summary>
    public Architecture Export()
    {
        var architecture = Mutator.Export();
        return context?.ParameterBudget is { } budget ? BudgetedArgmax.Fit(Mutator.SearchSpace, architecture, Mutator.Weights(), budget) : architecture;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        architectureOptimizer?.Dispose();
        mutator?.Dispose();
        weightHalf?.Dispose();
        architectureHalf?.Dispose();
    }

    private (OneShotContext ctx, DartsMutator darts, BatchStream weights, BatchStream architecture) Attached =>
        context is null ? throw new InvalidOperationException("The DARTS strategy is not attached to a trainer yet.")
            : (context, mutator!, weightBatches!, architectureBatches!);

    private double ArchitectureStep(OneShotContext ctx, DartsMutator darts, TensorBatch train, TensorBatch valid)
    {
        architectureOptimizer!.ZeroGrad();
        double loss;
        if (secondOrder is not null)
        {
            loss = secondOrder.ComputeGradient(train, valid, ctx.LearningRate);
        }
        else
        {
            darts.ArchitectureGradients = true;
            darts.Reset();
            var validLoss = ctx.Loss(ctx.Model.call(valid.Features), valid.Labels);
            // Only the alphas' gradients: the weights' would be computed and thrown away by a plain backward.
            var gradients = autograd.grad([validLoss], [.. darts.ArchitectureParameters]);
            for (int i = 0; i < gradients.Count; i++)
            {
                SecondOrderArchitectureStep.SetGradient(darts.ArchitectureParameters[i], gradients[i]);
            }
            loss = validLoss.ToDouble();
        }
        // Before the step: a NaN loss has NaN gradients, which Adam would write into every alpha.
        NonFiniteTrainingException.ThrowIfNotFinite(loss, "architecture loss");
        architectureOptimizer.Step();
        return loss;
    }
}
