using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Darts;

/// <summary>
/// DARTS search (arXiv 1806.09055) on a model built with LayerChoice / InputChoice: <see cref="OneShotTrainer"/> with
/// <see cref="DartsStrategy"/> plugged in. First order by default; <see cref="DartsTrainerOptions.Unrolled"/> selects
/// the paper's second order. History records hold the softmax of the alphas.
/// </summary>
public sealed class DartsTrainer : OneShotSearchTrainer<DartsStrategy>
{
    /// <summary>Prepares a search of <paramref name="model"/> (moved to the options' device).</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range, or the model has no LayerChoice.</exception>
    public DartsTrainer(nn.Module<Tensor, Tensor> model, DartsTrainerOptions options)
        : base(model, new DartsStrategy(options ?? throw new ArgumentNullException(nameof(options))), options)
    {
    }

    /// <summary>The mutator holding the alphas.</summary>
    public DartsMutator Mutator => Strategy.Mutator;
}
