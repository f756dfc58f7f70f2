using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// What the DARTS family's strategies (<see cref="DartsStrategy"/>, <c>GdasStrategy</c>, <c>PcDartsStrategy</c>) share
/// on <see cref="OneShotTrainer"/>: the training data split in seeded stratified halves (weights / alphas, each holding
/// every class in its share: <see cref="TensorDataset.SplitStratified"/>), one search phase per epoch as long as the
/// shorter half lasts, validation data only evaluated, the alphas and their Adam in checkpoints, and the export by
/// DARTS's rules through the collapse guard when <see cref="DifferentiableTrainerOptions.MaxParameterFreeOpsPerCell"/>
/// is set. A strategy gives its mutator and its step.
/// </summary>
public abstract class DifferentiableStrategy : IOneShotStrategy
{
    private protected DifferentiableStrategy(string name, DifferentiableTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        Search = new DifferentiableSearch(name, options);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The half of the training data the weights train on (after attachment).</summary>
    public TensorDataset WeightData => Search.WeightData;

    /// <summary>The half of the training data the alphas train on, which chooses the architecture (after attachment).</summary>
    public TensorDataset ArchitectureData => Search.ArchitectureData;

    private protected DifferentiableSearch Search { get; }

    /// <inheritdoc/>
    public abstract void Attach(OneShotContext context);

    /// <inheritdoc/>
    public virtual void OnEpochStart(int epoch) => Search.StartEpoch(epoch);

    /// <summary>A step's result: the weights' loss and metric, the architecture loss unless the alphas rested, and <paramref name="extra"/>.</summary>
    private protected static StepResult Result((double Loss, double Metric) weights, double? architectureLoss, IEnumerable<KeyValuePair<string, double>>? extra = null)
    {
        var metrics = new Dictionary<string, double>(extra ?? []);
        if (architectureLoss is { } loss)
        {
            metrics["arch_loss"] = loss;
        }
        return new StepResult(weights.Loss, weights.Metric, metrics);
    }

    /// <inheritdoc/>
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch) => Search.PlanEpoch();

    /// <inheritdoc/>
    public abstract StepResult Step(OneShotPhase phase, int step);

    /// <inheritdoc/>
    public EvaluationResult? Validate(int epoch) => Search.Validate();

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => Search.Mutator.Weights();

    /// <inheritdoc/>
    public virtual void SaveState(BinaryWriter writer) => Search.SaveState(writer);

    /// <inheritdoc/>
    public virtual void LoadState(BinaryReader reader) => Search.LoadState(reader);

    /// <inheritdoc/>
    public Architecture Export() => Search.Export();

    /// <summary>Frees the alphas, their optimizer and the halves of the data.</summary>
    public void Dispose()
    {
        Search.Dispose();
        GC.SuppressFinalize(this);
    }
}
