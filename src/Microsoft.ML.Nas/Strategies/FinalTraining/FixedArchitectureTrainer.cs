using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.FinalTraining;

/// <summary>
/// Final training: a fresh network pruned to an exported architecture (<see cref="FixedArchitecture.Build"/> or
/// <see cref="FixedArchitecture.Apply(nn.Module, Architecture, nn.Module?)"/>), trained from scratch (SGD + cosine; optional
/// warm-up, label smoothing, Nesterov or AdamW, weight average, shift, drop-path, cutout and auxiliary loss) on the
/// shared loop, then evaluated.
/// </summary>
public sealed class FixedArchitectureTrainer : IDisposable
{
    /// <summary>Trains <paramref name="model"/>, already fixed to <paramref name="architecture"/>.</summary>
    public FixedArchitectureTrainer(nn.Module<Tensor, Tensor> model, Architecture architecture, FixedArchitectureTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Architecture = architecture ?? throw new ArgumentNullException(nameof(architecture));
        Loop = new OneShotTrainer(model, new FixedArchitectureStrategy(options, architecture), options);
    }

    /// <summary>The network being trained.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The architecture it is fixed to.</summary>
    public Architecture Architecture { get; }

    /// <summary>The shared loop (history, checkpoints, device).</summary>
    public OneShotTrainer Loop { get; }

    /// <summary>One record per finished epoch.</summary>
    public IReadOnlyList<EpochRecord> History => Loop.History;

    /// <summary>Runs the epochs not yet finished; returns the history.</summary>
    public IReadOnlyList<EpochRecord> Train() => Loop.Train();

    /// <summary>Mean loss and accuracy (or the options' metric) over <paramref name="data"/>, in evaluation mode.</summary>
    public EvaluationResult Evaluate(TensorDataset data) => Loop.Evaluate(data);

    /// <summary>Frees the optimizer and data copies (not the model).</summary>
    public void Dispose() => Loop.Dispose();
}
