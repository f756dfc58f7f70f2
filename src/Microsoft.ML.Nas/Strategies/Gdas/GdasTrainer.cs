using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Gdas;

/// <summary>
/// GDAS search (arXiv 1910.04465) on a model built with LayerChoice / InputChoice: <see cref="OneShotTrainer"/> with
/// <see cref="GdasStrategy"/> plugged in. One sampled candidate per edge per step; history records hold the softmax of
/// the alphas and the epoch's temperature.
/// </summary>
public sealed class GdasTrainer : OneShotSearchTrainer<GdasStrategy>
{
    /// <summary>Prepares a search of <paramref name="model"/> (moved to the options' device).</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range, or the model has no LayerChoice.</exception>
    public GdasTrainer(nn.Module<Tensor, Tensor> model, GdasTrainerOptions options)
        : base(model, new GdasStrategy(options ?? throw new ArgumentNullException(nameof(options))), options)
    {
    }

    /// <summary>The mutator holding the alphas and drawing the samples.</summary>
    public GdasMutator Mutator => Strategy.Mutator;
}
