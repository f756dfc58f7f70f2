using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.Enas;

namespace Microsoft.ML.Nas.Strategies.Gdas;

/// <summary>
/// GDAS plugged into <see cref="OneShotTrainer"/> (the shared part: <see cref="DifferentiableStrategy"/>): per step a
/// weight step on a batch of the weight half, then an alpha step on a batch of the architecture half (GDAS's reference
/// order), each forward running one Gumbel-sampled candidate per edge (<see cref="GdasMutator"/>). The temperature is
/// set at the start of every epoch (<see cref="GdasTrainerOptions.TemperatureAt"/>) and recorded in the history as
/// "temperature".
/// </summary>
public sealed class GdasStrategy : DifferentiableStrategy
{
    private readonly GdasTrainerOptions options;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public GdasStrategy(GdasTrainerOptions options)
        : base("GDAS", options)
    {
        this.options = options;
    }

    /// <summary>The mutator holding the alphas and drawing the samples (after attachment).</summary>
    public GdasMutator Mutator => (GdasMutator)Search.Mutator;

    /// <inheritdoc/>
    public override void Attach(OneShotContext context)
    {
        Search.Attach(context, model => new GdasMutator(model), "gdas");
        Mutator.Temperature = options.TemperatureAt(0);
    }

    /// <inheritdoc/>
    public override void OnEpochStart(int epoch)
    {
        base.OnEpochStart(epoch);
        Mutator.Temperature = options.TemperatureAt(epoch);
    }

    /// <inheritdoc/>
    public override StepResult Step(OneShotPhase phase, int step)
    {
        var train = Search.WeightBatches.Next();
        var valid = Search.ArchitectureBatches.Next();
        var weights = Search.WeightStep(train);
        Search.Context.ReleaseFreedMemory();
        double? architectureLoss = Search.ArchitectureStep(() => Search.FirstOrderGradient(valid));
        return Result(weights, architectureLoss, [new("temperature", Mutator.Temperature)]);
    }

    /// <inheritdoc/>
    public override void SaveState(BinaryWriter writer)
    {
        base.SaveState(writer);
        // One path per step: which candidates have a gradient tensor yet (SGD decays them from then on) is state too.
        SampledGradients.Write(writer, Search.Context.Model);
    }

    /// <inheritdoc/>
    public override void LoadState(BinaryReader reader)
    {
        base.LoadState(reader);
        SampledGradients.Read(reader, Search.Context.Model);
    }
}
