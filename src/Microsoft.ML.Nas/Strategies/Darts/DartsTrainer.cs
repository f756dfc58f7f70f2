using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// DARTS search (arXiv 1806.09055) on a model built with LayerChoice / InputChoice: <see cref="OneShotTrainer"/> with
/// <see cref="DartsStrategy"/> plugged in. First order by default; <see cref="DartsTrainerOptions.Unrolled"/> selects
/// the paper's second order.
/// </summary>
public sealed class DartsTrainer : IDisposable
{
    private readonly DartsStrategy strategy;

    /// <summary>Prepares a search of <paramref name="model"/> (moved to the options' device).</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range, or the model has no LayerChoice.</exception>
    public DartsTrainer(nn.Module<Tensor, Tensor> model, DartsTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        strategy = new DartsStrategy(options);
        Loop = new OneShotTrainer(model, strategy, options);
    }

    /// <summary>The shared loop (context, device, history).</summary>
    public OneShotTrainer Loop { get; }

    /// <summary>The mutator holding the alphas.</summary>
    public DartsMutator Mutator => strategy.Mutator;

    /// <summary>One record per finished epoch (losses, accuracies, softmax of the alphas).</summary>
    public IReadOnlyList<EpochRecord> History => Loop.History;

    /// <summary>Runs the epochs not yet finished; returns the history.</summary>
    public IReadOnlyList<EpochRecord> Train() => Loop.Train();

    /// <summary>The architecture the alphas decide now.</summary>
    public Architecture Export() => Loop.Export();

    /// <summary>Writes the architecture the alphas decide now to <paramref name="path"/> and returns it.</summary>
    public Architecture Export(string path) => Loop.Export(path);

    /// <summary>Writes a checkpoint (weights, alphas, optimizers, random state, epoch) to <paramref name="directory"/>.</summary>
    public void SaveCheckpoint(string directory) => Loop.SaveCheckpoint(directory);

    /// <summary>Restores a checkpoint; <see cref="Train"/> then continues after its epoch.</summary>
    public void Resume(string directory) => Loop.Resume(directory);

    /// <summary>Mean loss and metric of the supernet over <paramref name="data"/>.</summary>
    public EvaluationResult Evaluate(TensorDataset data) => Loop.Evaluate(data);

    /// <summary>Frees the alphas, optimizers and data copies.</summary>
    public void Dispose() => Loop.Dispose();
}
