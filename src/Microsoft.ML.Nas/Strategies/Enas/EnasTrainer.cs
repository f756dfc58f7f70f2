using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// ENAS search (arXiv 1802.03268) on a model built with LayerChoice / InputChoice / MutableScope:
/// <see cref="OneShotTrainer"/> with <see cref="EnasStrategy"/> plugged in. History records hold the child loss and
/// accuracy, and the reward, baseline, entropy and skip penalty, and at each epoch's end how settled the controller is
/// (<c>top_architecture_probability</c>, <c>top_architecture_changes</c>); <c>Export</c> follows <see cref="EnasStrategy.Export"/>.
/// </summary>
public sealed class EnasTrainer : OneShotSearchTrainer<EnasStrategy>
{
    /// <summary>Prepares a search of <paramref name="model"/> (moved to the options' device).</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range, or the controller cannot sample the model's choices.</exception>
    public EnasTrainer(nn.Module<Tensor, Tensor> model, EnasTrainerOptions options)
        : base(model, new EnasStrategy(options ?? throw new ArgumentNullException(nameof(options))), options)
    {
    }

    /// <summary>The mutator holding the controller.</summary>
    public EnasMutator Mutator => Strategy.Mutator;

    /// <summary>The controller's REINFORCE update (optimizer, baseline).</summary>
    internal EnasReinforce Reinforce => Strategy.Reinforce;

    /// <summary>The architectures the last export sampled, with their validation rewards, the exported one marked (nni#2499).</summary>
    public IReadOnlyList<EnasExportCandidate> ExportCandidates => Strategy.ExportCandidates;
}
