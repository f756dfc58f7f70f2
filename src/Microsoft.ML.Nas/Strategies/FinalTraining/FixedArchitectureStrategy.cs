using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;

namespace Microsoft.ML.Nas.Strategies.FinalTraining;

/// <summary>
/// Plain training of a fixed architecture, plugged into <see cref="OneShotTrainer"/> so that final training shares its
/// data handling, schedule, logs, progress, checkpoints and cancellation: one pass over the training data per epoch,
/// with cutout, a drop-path probability raised linearly over the epochs, and the auxiliary head's loss when present.
/// </summary>
internal sealed class FixedArchitectureStrategy : IOneShotStrategy
{
    private readonly FixedArchitectureTrainerOptions options;
    private readonly Architecture architecture;
    private OneShotContext? context;
    private BatchStream? batches;

    /// <summary>Creates the strategy for a model already fixed to <paramref name="architecture"/>.</summary>
    public FixedArchitectureStrategy(FixedArchitectureTrainerOptions options, Architecture architecture)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.architecture = architecture ?? throw new ArgumentNullException(nameof(architecture));
    }

    /// <inheritdoc/>
    public string Name => "FixedArchitecture";

    /// <inheritdoc/>
    public void Attach(OneShotContext context)
    {
        this.context = context ?? throw new ArgumentNullException(nameof(context));
        batches = context.CreateStream("train", context.TrainData);
    }

    /// <inheritdoc/>
    public void OnEpochStart(int epoch)
    {
        if (Context.Model is IDropPathModel dropPath)
        {
            dropPath.DropPathProbability = options.DropPathProbability * epoch / options.Epochs;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch) => [new OneShotPhase("train", (int)batches!.BatchesPerPass)];

    /// <inheritdoc/>
    public StepResult Step(OneShotPhase phase, int step)
    {
        var ctx = Context;
        var batch = batches!.Next();
        var features = batch.Features.dim() == 4
            ? Cutout.Apply(RandomShift.Apply(batch.Features, options.ShiftPixels), options.CutoutLength)
            : batch.Features;
        ctx.WeightOptimizer.ZeroGrad();
        var (loss, logits) = ctx.ForwardLoss(new Data.TensorBatch(features, batch.Labels), options.AuxiliaryWeight);
        loss.backward();
        ctx.ClipWeightGradients();
        ctx.WeightOptimizer.Step();
        return new StepResult(loss.ToDouble(), ctx.Metric(logits, batch.Labels));
    }

    /// <inheritdoc/>
    public EvaluationResult? Validate(int epoch) => Context.ValidData is { } data ? Context.Evaluate(data) : null;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => new Dictionary<string, float[]>();

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
    }

    /// <inheritdoc/>
    public Architecture Export() => architecture;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private OneShotContext Context => context ?? throw new InvalidOperationException("The strategy is not attached to a trainer yet.");
}
