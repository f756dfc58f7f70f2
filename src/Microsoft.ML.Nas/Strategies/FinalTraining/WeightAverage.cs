using TorchSharp;
using OptimizerState = Microsoft.ML.Nas.Strategies.Optimizers.OptimizerState;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.FinalTraining;

/// <summary>
/// An exponential moving average of a model's parameters (<see cref="FixedArchitectureTrainerOptions.WeightAverageDecay"/>):
/// after each optimizer step <c>avg ← d·avg + (1 − d)·w</c> with <c>d = min(decay, (1 + n)/(10 + n))</c>, n the
/// updates made before this one, so the first updates follow the weights closely instead of dragging the random start
/// along. It starts from the weights it is made with. Buffers (batch-norm statistics) are not averaged: the model keeps
/// its own.
/// </summary>
internal sealed class WeightAverage : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor?[] averages;

    /// <summary>Starts the average at the current values of <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The decay is outside (0, 1).</exception>
    public WeightAverage(IEnumerable<Parameter> parameters, double decay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (decay is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "The decay of a weight average must lie in (0, 1).");
        }
        Decay = decay;
        this.parameters = parameters.ToArray();
        averages = new Tensor?[this.parameters.Length];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < this.parameters.Length; i++)
        {
            averages[i] = this.parameters[i].detach().clone().DetachFromDisposeScope();
        }
    }

    /// <summary>The decay once warmed up.</summary>
    public double Decay { get; }

    /// <summary>The updates made so far.</summary>
    public long Updates { get; private set; }

    /// <summary>The decay of update <paramref name="updates"/> (counted from 0).</summary>
    public double DecayAt(long updates) => Math.Min(Decay, (1.0 + updates) / (10.0 + updates));

    /// <summary>Moves the average towards the parameters' current values.</summary>
    public void Update()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double decay = DecayAt(Updates);
        // Made once per update and disposed: an implicit number would leave a native Scalar per parameter to the finalizer.
        using var keep = decay.ToScalar();
        using var take = (1 - decay).ToScalar();
        for (int i = 0; i < parameters.Length; i++)
        {
            averages[i]!.mul_(keep).add_(parameters[i], take);
        }
        Updates++;
    }

    /// <summary>Writes the average into the parameters (the model's buffers stay as they are).</summary>
    public void CopyToParameters()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i].copy_(averages[i]!);
        }
    }

    /// <summary>The average of parameter <paramref name="index"/>.</summary>
    public Tensor Average(int index) => averages[index]!;

    /// <summary>Writes the averages and the update count, for a checkpoint.</summary>
    public void Save(BinaryWriter writer) => OptimizerState.Write(writer, nameof(WeightAverage), [averages], Updates);

    /// <summary>Reads back what <see cref="Save"/> wrote for the same parameters.</summary>
    /// <exception cref="InvalidDataException">The state was written for other parameters.</exception>
    public void Load(BinaryReader reader)
    {
        Updates = OptimizerState.Read(reader, nameof(WeightAverage), [averages], parameters);
        if (averages.Any(a => a is null))
        {
            throw new InvalidDataException("The weight average in the checkpoint lacks some of the parameters.");
        }
    }

    /// <inheritdoc/>
    public void Dispose() => OptimizerState.Free(averages);
}
