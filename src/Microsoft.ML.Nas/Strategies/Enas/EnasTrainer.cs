using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// ENAS search (arXiv 1802.03268) on a model built with LayerChoice / InputChoice / MutableScope:
/// <see cref="OneShotTrainer"/> with <see cref="EnasStrategy"/> plugged in.
/// </summary>
public sealed class EnasTrainer : IDisposable
{
    private readonly EnasStrategy strategy;

    /// <summary>Prepares a search of <paramref name="model"/> (moved to the options' device).</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range, or the controller cannot sample the model's choices.</exception>
    public EnasTrainer(nn.Module<Tensor, Tensor> model, EnasTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        strategy = new EnasStrategy(options);
        Loop = new OneShotTrainer(model, strategy, options);
    }

    /// <summary>The shared loop (context, device, history).</summary>
    public OneShotTrainer Loop { get; }

    /// <summary>The mutator holding the controller.</summary>
    public EnasMutator Mutator => strategy.Mutator;

    /// <summary>The controller's REINFORCE update (optimizer, baseline).</summary>
    public EnasReinforce Reinforce => strategy.Reinforce;

    /// <summary>One record per finished epoch (child loss and accuracy; reward, baseline, entropy, skip penalty).</summary>
    public IReadOnlyList<EpochRecord> History => Loop.History;

    /// <summary>The architectures the last export sampled, with their validation rewards, the exported one marked (nni#2499).</summary>
    public IReadOnlyList<EnasExportCandidate> ExportCandidates => strategy.ExportCandidates;

    /// <summary>Runs the epochs not yet finished; returns the history.</summary>
    public IReadOnlyList<EpochRecord> Train() => Loop.Train();

    /// <summary>The architecture to export (see <see cref="EnasStrategy.Export"/>).</summary>
    public Architecture Export() => Loop.Export();

    /// <summary>Writes the architecture to export to <paramref name="path"/> and returns it.</summary>
    public Architecture Export(string path) => Loop.Export(path);

    /// <summary>Writes a checkpoint (weights, controller, both optimizers, baseline, random state, epoch) to <paramref name="directory"/>.</summary>
    public void SaveCheckpoint(string directory) => Loop.SaveCheckpoint(directory);

    /// <summary>Restores a checkpoint; <see cref="Train"/> then continues after its epoch.</summary>
    public void Resume(string directory) => Loop.Resume(directory);

    /// <summary>Mean loss and metric over <paramref name="data"/> of the supernet under the current decisions.</summary>
    public EvaluationResult Evaluate(TensorDataset data) => Loop.Evaluate(data);

    /// <summary>Frees the controller, optimizers and data copies.</summary>
    public void Dispose() => Loop.Dispose();
}
