using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies.Optimizers;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// DARTS plugged into <see cref="OneShotTrainer"/>: the training data is split in halves (weights / alphas), each a
/// seeded stratified half that holds every class in its share (<see cref="TensorDataset.SplitStratified"/>); each step
/// first updates the alphas on a batch of the architecture half (first or second order), then the weights on a batch
/// of the weight half. The alphas, learned on the architecture half, decide the exported architecture (through the
/// collapse guard when <see cref="DifferentiableTrainerOptions.MaxParameterFreeOpsPerCell"/> is set); validation data
/// is only evaluated.
/// </summary>
public sealed class DartsStrategy : IOneShotStrategy
{
    private readonly DartsTrainerOptions options;
    private readonly DifferentiableSearch search;
    private SecondOrderArchitectureStep? secondOrder;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public DartsStrategy(DartsTrainerOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        search = new DifferentiableSearch(Name, options);
    }

    /// <inheritdoc/>
    public string Name => "DARTS";

    /// <summary>The half of the training data the weights train on (after attachment).</summary>
    public TensorDataset WeightData => search.WeightData;

    /// <summary>The half of the training data the alphas train on, which chooses the architecture (after attachment).</summary>
    public TensorDataset ArchitectureData => search.ArchitectureData;

    /// <summary>The mutator holding the alphas (after attachment).</summary>
    public DartsMutator Mutator => (DartsMutator)search.Mutator;

    /// <inheritdoc/>
    public void Attach(OneShotContext context)
    {
        search.Attach(context, model => new DartsMutator(model), "darts");
        if (options.Unrolled)
        {
            // DartsTrainerOptions.Validate refuses another optimizer with Unrolled: the virtual step is plain SGD's.
            var sgd = context.WeightOptimizer is SgdWithMomentum { Nesterov: false } plain ? plain
                : throw new ArgumentException("The second-order DARTS step (Unrolled) needs the weights' optimizer to be plain SGD (WeightOptimizer Sgd).", nameof(context));
            secondOrder = new SecondOrderArchitectureStep(context.Model, Mutator, sgd, context.Loss)
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
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch) => search.PlanEpoch();

    /// <inheritdoc/>
    public StepResult Step(OneShotPhase phase, int step)
    {
        var ctx = search.Context;
        var train = search.WeightBatches.Next();
        var valid = search.ArchitectureBatches.Next();
        double architectureLoss = search.ArchitectureStep(() => secondOrder is not null
            ? secondOrder.ComputeGradient(train, valid, ctx.LearningRate)
            : search.FirstOrderGradient(valid));
        // The architecture pass's activations are free now; without this the weight pass would stack its own
        // fragmentation on top of theirs (peak 2.8 GiB against 1.9 GiB in the mnist-first benchmark).
        ctx.ReleaseFreedMemory();
        var (loss, metric) = search.WeightStep(train);
        return new StepResult(loss, metric, new Dictionary<string, double> { ["arch_loss"] = architectureLoss });
    }

    /// <inheritdoc/>
    public EvaluationResult? Validate(int epoch) => search.Validate();

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => search.Mutator.Weights();

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer) => search.SaveState(writer);

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader) => search.LoadState(reader);

    /// <inheritdoc/>
    public Architecture Export() => search.Export();

    /// <inheritdoc/>
    public void Dispose() => search.Dispose();
}
