using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Random;

/// <summary>
/// Random one-shot search on a model built with LayerChoice / InputChoice / MutableScope: <see cref="OneShotTrainer"/>
/// with <see cref="RandomStrategy"/> plugged in. <c>Export</c> follows <see cref="RandomStrategy.Export"/>.
/// </summary>
public sealed class RandomTrainer : OneShotSearchTrainer<RandomStrategy>
{
    /// <summary>Prepares a search of <paramref name="model"/> (moved to the options' device).</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public RandomTrainer(nn.Module<Tensor, Tensor> model, RandomTrainerOptions options)
        : base(model, new RandomStrategy(options ?? throw new ArgumentNullException(nameof(options))), options)
    {
    }

    /// <summary>The mutator drawing the paths.</summary>
    public Mutators.RandomMutator Mutator => Strategy.Mutator;

    /// <summary>The architectures the last export scored, the exported one marked.</summary>
    public IReadOnlyList<ScoredArchitecture> ExportCandidates => Strategy.ExportCandidates;
}
