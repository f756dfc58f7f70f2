using Microsoft.ML.Nas.Strategies;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of an estimator that searches with a one-shot trainer: the shared <see cref="NasOptions"/> and the
/// trainer's own options, composed as they are (every knob of the trainer is reachable, with its one default and its
/// one validation). A new strategy needs its trainer options and a catalog method taking this class, nothing more; a
/// named subclass (<see cref="EnasOptions"/>, <see cref="DartsOptions"/>) only gives it an ML.NET-style name.
/// </summary>
/// <typeparam name="TSearch">The search trainer's options (e.g. <c>EnasTrainerOptions</c>).</typeparam>
public class NasOptions<TSearch> : NasOptions where TSearch : OneShotTrainerOptions, new()
{
    /// <summary>
    /// The search's settings, with the trainer's defaults. Fit supplies its data, device, threads, seed, log, progress
    /// and cancellation, and refuses values set here for them.
    /// </summary>
    public TSearch Search { get; set; } = new();

    internal override OneShotTrainerOptions? SearchOptions => Search;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        ValidateTrainer(Search, nameof(Search));
    }
}
