namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// A cost of an architecture that adds up over its LayerChoices: a fixed part in every architecture, plus one cost per
/// chosen candidate of each key (summed over the key's occurrences). <see cref="ParameterCounter"/> (parameters) and
/// <see cref="LatencyTable"/> (milliseconds at one batch size) implement it, so budgets and the budgeted export treat
/// them alike.
/// </summary>
internal interface IArchitectureCost
{
    /// <summary>The part outside every LayerChoice candidate.</summary>
    double Fixed { get; }

    /// <summary>The least cost an architecture of the space can have: <see cref="Fixed"/> and each key's cheapest candidate.</summary>
    double Smallest { get; }

    /// <summary>What candidate <paramref name="candidate"/> of LayerChoice key <paramref name="key"/> adds.</summary>
    double Cost(string key, int candidate);

    /// <summary>The cost of the cheapest candidate of LayerChoice key <paramref name="key"/>.</summary>
    double SmallestCost(string key);

    /// <summary>The cost of the architecture of <paramref name="chosen"/> (a bool per candidate, by key).</summary>
    double Of(IReadOnlyDictionary<string, bool[]> chosen);

    /// <summary>A value of this cost as a message shows it ("1234 parameters", "0.412 ms at batch 1").</summary>
    string Describe(double value);
}
