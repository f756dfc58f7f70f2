using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Spos;

/// <summary>
/// SPOS search on a model built with LayerChoice / InputChoice / MutableScope: <see cref="OneShotTrainer"/> with
/// <see cref="SposStrategy"/> plugged in. The last epoch's history record holds the evolution's
/// <c>best_score</c> and <c>candidates_scored</c> at its end and the mean over generations of <c>generation_best</c> and <c>generation_mean</c>; <c>Export</c> follows <see cref="SposStrategy.Export"/>.
/// </summary>
public sealed class SposTrainer : OneShotSearchTrainer<SposStrategy>
{
    /// <summary>Prepares a search of <paramref name="model"/> (moved to the options' device).</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public SposTrainer(nn.Module<Tensor, Tensor> model, SposTrainerOptions options)
        : base(model, new SposStrategy(options ?? throw new ArgumentNullException(nameof(options))), options)
    {
    }

    /// <summary>Every candidate the evolution has scored so far, the best marked.</summary>
    public IReadOnlyList<ScoredArchitecture> Candidates => Strategy.Candidates;

    /// <summary>Generations the evolution has run.</summary>
    public int Generation => Strategy.Generation;
}
