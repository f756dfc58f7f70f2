using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Proxyless;

/// <summary>
/// ProxylessNAS search on a model whose choices are LayerChoices: <see cref="OneShotTrainer"/> with
/// <see cref="ProxylessStrategy"/> plugged in. History records hold <c>arch_loss</c> after the weight-only epochs and
/// softmax(α) per key; <c>Export</c> is the argmax of the path weights.
/// </summary>
public sealed class ProxylessTrainer : OneShotSearchTrainer<ProxylessStrategy>
{
    /// <summary>Prepares a search of <paramref name="model"/> (moved to the options' device).</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range, or the model has an InputChoice.</exception>
    public ProxylessTrainer(nn.Module<Tensor, Tensor> model, ProxylessTrainerOptions options)
        : base(model, new ProxylessStrategy(options ?? throw new ArgumentNullException(nameof(options))), options)
    {
    }

    /// <summary>The mutator holding the path weights.</summary>
    public ProxylessMutator Mutator => Strategy.Mutator;
}
