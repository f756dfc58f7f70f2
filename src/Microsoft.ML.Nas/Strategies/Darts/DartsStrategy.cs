using Microsoft.ML.Nas.Strategies.Optimizers;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// DARTS plugged into <see cref="OneShotTrainer"/> (the shared part: <see cref="DifferentiableStrategy"/>): each step
/// first updates the alphas on a batch of the architecture half (first or second order), then the weights on a batch
/// of the weight half.
/// </summary>
public sealed class DartsStrategy : DifferentiableStrategy
{
    private readonly DartsTrainerOptions options;
    private SecondOrderArchitectureStep? secondOrder;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public DartsStrategy(DartsTrainerOptions options)
        : base("DARTS", options)
    {
        this.options = options;
    }

    /// <summary>The mutator holding the alphas (after attachment).</summary>
    public DartsMutator Mutator => (DartsMutator)Search.Mutator;

    /// <inheritdoc/>
    public override void Attach(OneShotContext context)
    {
        Search.Attach(context, model => new DartsMutator(model), "darts");
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
    public override StepResult Step(OneShotPhase phase, int step)
    {
        var ctx = Search.Context;
        var train = Search.WeightBatches.Next();
        var valid = Search.ArchitectureBatches.Next();
        double? architectureLoss = Search.ArchitectureStep(() => secondOrder is not null
            ? secondOrder.ComputeGradient(train, valid, ctx.LearningRate)
            : Search.FirstOrderGradient(valid));
        // The architecture pass's activations are free now; without this the weight pass would stack its own
        // fragmentation on top of theirs (peak 2.8 GiB against 1.9 GiB in the mnist-first benchmark).
        ctx.ReleaseFreedMemory();
        return Result(Search.WeightStep(train), architectureLoss);
    }
}
