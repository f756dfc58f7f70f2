namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// The state every mutable shares, kept in one object because mutables with different forward signatures cannot share
/// a base class beyond <see cref="TorchSharp.torch.nn.Module"/>.
/// </summary>
internal sealed class MutableCore
{
    // Construction order across the process: a walk numbers a model's automatic keys by it, so keys follow construction
    // order as NNI's do, but start at 1 for every model instead of counting on across models (nni#2726).
    private static long constructed;

    public MutableCore(string? explicitKey, string className)
    {
        if (explicitKey is not null && string.IsNullOrWhiteSpace(explicitKey))
        {
            throw new ArgumentException("A mutable key must not be empty or blank; pass null for an automatic key.", nameof(explicitKey));
        }
        ExplicitKey = explicitKey;
        ClassName = className;
        Sequence = Interlocked.Increment(ref constructed);
    }

    public string? ExplicitKey { get; }

    public string ClassName { get; }

    public long Sequence { get; }

    public string? AssignedKey { get; set; }

    /// <summary>The mutator that decides for this mutable; null when none is bound (or after a fixed architecture).</summary>
    public IChoiceDecider? Mutator { get; set; }

    public string Key => ExplicitKey ?? AssignedKey ?? throw new InvalidOperationException(
        $"This {ClassName} has an automatic key, which is given when its model is first walked " +
        "(by a mutator, FixedArchitecture.Apply or ModelSearchSpace.Of); walk the whole model first.");

    /// <summary>The mutator to run with, or a clear error when the model is run without one.</summary>
    public IChoiceDecider RequireMutator(string what) => Mutator ?? throw new InvalidOperationException(
        $"{what} '{Key}' has no decision: the model has mutables but no mutator. Create a mutator on the model " +
        "(e.g. new RandomMutator(model)) or apply a fixed architecture (FixedArchitecture.Apply) before running it.");
}

/// <summary>Gives the library's walkers the shared state behind <see cref="IMutable"/>.</summary>
internal interface IMutableInternals
{
    MutableCore Core { get; }
}
