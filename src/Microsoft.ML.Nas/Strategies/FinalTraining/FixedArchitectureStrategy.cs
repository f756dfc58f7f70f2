using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;

namespace Microsoft.ML.Nas.Strategies.FinalTraining;

/// <summary>
/// Plain training of a fixed architecture, plugged into <see cref="OneShotTrainer"/> so that final training shares its
/// data handling, schedule, logs, progress, checkpoints and cancellation: one pass over the training data per epoch,
/// with cutout, a drop-path probability raised linearly over the epochs, the auxiliary head's loss when present, and
/// optionally a moving average of the weights that becomes the model at the end of the last epoch.
/// </summary>
internal sealed class FixedArchitectureStrategy : IOneShotStrategy
{
    private readonly FixedArchitectureTrainerOptions options;
    private readonly Architecture architecture;
    private OneShotContext? context;
    private BatchStream? batches;
    private WeightAverage? average;

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
        average = options.WeightAverageDecay > 0 ? new WeightAverage(context.Model.parameters(), options.WeightAverageDecay) : null;
    }

    /// <inheritdoc/>
    public void OnEpochStart(int epoch)
    {
        if (Context.Model is IDropPathModel dropPath)
        {
            dropPath.DropPathProbability = options.DropPathProbability * epoch / Context.Epochs;
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
        average?.Update();
        return new StepResult(loss.ToDouble(), ctx.Metric(logits, batch.Labels));
    }

    /// <inheritdoc/>
    /// <remarks>The loop calls it once after the steps of every epoch: after the last, the average becomes the weights.</remarks>
    public EvaluationResult? Validate(int epoch)
    {
        if (average is not null && epoch == Context.Epochs - 1)
        {
            average.CopyToParameters();
        }
        return Context.ValidData is { } data ? Context.Evaluate(data) : null;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => new Dictionary<string, float[]>();

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(average is not null);
        average?.Save(writer);
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        // Checkpoints written before the weight average existed end here.
        bool saved = reader.BaseStream.Position < reader.BaseStream.Length && reader.ReadBoolean();
        if (saved != average is not null)
        {
            throw new InvalidDataException(saved
                ? "The checkpoint holds a weight average, but WeightAverageDecay is 0 now: resume with the options it was written with."
                : "The checkpoint holds no weight average, but WeightAverageDecay is set now: resume with the options it was written with.");
        }
        average?.Load(reader);
    }

    /// <inheritdoc/>
    public Architecture Export() => architecture;

    /// <inheritdoc/>
    public void Dispose() => average?.Dispose();

    private OneShotContext Context => context ?? throw new InvalidOperationException("The strategy is not attached to a trainer yet.");
}
