using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Strategies.Darts;

namespace Microsoft.ML.Nas.Strategies.PcDarts;

/// <summary>
/// PC-DARTS search (arXiv 1907.05737) of a <see cref="DartsNetwork"/> built with partial channels
/// (<c>partialChannels: K</c>, the options' <see cref="PcDartsTrainerOptions.PartialChannels"/>):
/// <see cref="OneShotTrainer"/> with <see cref="PcDartsStrategy"/> plugged in. History records hold the softmax of
/// the alphas and of the nodes' βs.
/// </summary>
public sealed class PcDartsTrainer : OneShotSearchTrainer<PcDartsStrategy>
{
    /// <summary>Prepares a search of <paramref name="model"/> (moved to the options' device).</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range, or the network was not built with the options' partial channels.</exception>
    public PcDartsTrainer(DartsNetwork model, PcDartsTrainerOptions options)
        : base(model, new PcDartsStrategy(options ?? throw new ArgumentNullException(nameof(options))), options)
    {
    }

    /// <summary>The mutator holding the alphas and the nodes' βs.</summary>
    public DartsMutator Mutator => Strategy.Mutator;
}
