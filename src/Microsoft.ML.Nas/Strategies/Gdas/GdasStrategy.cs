using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.Enas;

namespace Microsoft.ML.Nas.Strategies.Gdas;

/// <summary>
/// GDAS plugged into <see cref="OneShotTrainer"/>: DARTS's stratified halves (weights / alphas), and per step a
/// weight step on a batch of the weight half, then an alpha step on a batch of the architecture half (GDAS's reference
/// order), each forward running one Gumbel-sampled candidate per edge (<see cref="GdasMutator"/>). The temperature is
/// set at the start of every epoch (<see cref="GdasTrainerOptions.TemperatureAt"/>) and recorded in the history as
/// "temperature". The export is DARTS's (through the collapse guard when it is on).
/// </summary>
public sealed class GdasStrategy : IOneShotStrategy
{
    private readonly GdasTrainerOptions options;
    private readonly DifferentiableSearch search;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public GdasStrategy(GdasTrainerOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        search = new DifferentiableSearch(Name, options);
    }

    /// <inheritdoc/>
    public string Name => "GDAS";

    /// <summary>The half of the training data the weights train on (after attachment).</summary>
    public TensorDataset WeightData => search.WeightData;

    /// <summary>The half of the training data the alphas train on, which chooses the architecture (after attachment).</summary>
    public TensorDataset ArchitectureData => search.ArchitectureData;

    /// <summary>The mutator holding the alphas and drawing the samples (after attachment).</summary>
    public GdasMutator Mutator => (GdasMutator)search.Mutator;

    /// <inheritdoc/>
    public void Attach(OneShotContext context)
    {
        search.Attach(context, model => new GdasMutator(model), "gdas");
        Mutator.Temperature = options.TemperatureAt(0);
    }

    /// <inheritdoc/>
    public void OnEpochStart(int epoch) => Mutator.Temperature = options.TemperatureAt(epoch);

    /// <inheritdoc/>
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch) => search.PlanEpoch();

    /// <inheritdoc/>
    public StepResult Step(OneShotPhase phase, int step)
    {
        var train = search.WeightBatches.Next();
        var valid = search.ArchitectureBatches.Next();
        var (loss, metric) = search.WeightStep(train);
        search.Context.ReleaseFreedMemory();
        double architectureLoss = search.ArchitectureStep(() => search.FirstOrderGradient(valid));
        return new StepResult(loss, metric, new Dictionary<string, double>
        {
            ["arch_loss"] = architectureLoss,
            ["temperature"] = Mutator.Temperature,
        });
    }

    /// <inheritdoc/>
    public EvaluationResult? Validate(int epoch) => search.Validate();

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => search.Mutator.Weights();

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        search.SaveState(writer);
        // One path per step: which candidates have a gradient tensor yet (SGD decays them from then on) is state too.
        SampledGradients.Write(writer, search.Context.Model);
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        search.LoadState(reader);
        SampledGradients.Read(reader, search.Context.Model);
    }

    /// <inheritdoc/>
    public Architecture Export() => search.Export();

    /// <inheritdoc/>
    public void Dispose() => search.Dispose();
}
