using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// The options' bounds on the exported architecture (<see cref="OneShotTrainerOptions.MaxParameters"/>,
/// <see cref="OneShotTrainerOptions.MaxLatency"/>), each with the additive cost of the searched space it bounds: the
/// parameter counter, the latency table at <see cref="OneShotTrainerOptions.LatencyBatchSize"/>. An architecture fits
/// when it keeps every bound.
/// </summary>
internal sealed class ArchitectureBudget
{
    private readonly IReadOnlyList<Limit> limits;
    private readonly ModelSearchSpace space;

    private ArchitectureBudget(IReadOnlyList<Limit> limits, ModelSearchSpace space, ParameterCounter? parameters, LatencyTable? latency, int latencyBatchSize)
    {
        this.limits = limits;
        this.space = space;
        Parameters = parameters;
        Latency = latency;
        LatencyBatchSize = latencyBatchSize;
    }

    /// <summary>One bound: the option it comes from (with its path), the most it allows, the cost it bounds and how the smallest reachable value reads.</summary>
    internal sealed record Limit(string Option, double Max, IArchitectureCost Cost, string Smallest);

    /// <summary>The space of the network the bounds count.</summary>
    public ModelSearchSpace Space => space;

    /// <summary>The bounds, in the order of the options.</summary>
    public IReadOnlyList<Limit> Limits => limits;

    /// <summary>The counter of <see cref="OneShotTrainerOptions.MaxParameters"/>; null without that bound.</summary>
    public ParameterCounter? Parameters { get; }

    /// <summary>The table of <see cref="OneShotTrainerOptions.MaxLatency"/>; null without that bound.</summary>
    public LatencyTable? Latency { get; }

    /// <summary>The batch size <see cref="OneShotTrainerOptions.MaxLatency"/> applies to.</summary>
    public int LatencyBatchSize { get; }

    /// <summary>The options that set the bounds, for "raise ..." in messages.</summary>
    public string Options => string.Join(" or ", limits.Select(l => l.Option));

    /// <summary>The parameter bound, checked at once (it needs no measurement).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No architecture of the space fits; the message names the smallest count.</exception>
    public static Limit ParameterLimit(long max, ParameterCounter counter, string path)
    {
        string option = path + nameof(OneShotTrainerOptions.MaxParameters);
        if (counter.Smallest > max)
        {
            throw new ArgumentOutOfRangeException(option, max, string.Create(CultureInfo.InvariantCulture,
                $"{option} = {max:N0} cannot be met: the smallest network this space can make has {counter.Smallest:N0} parameters."));
        }
        return new Limit(option, max, counter, string.Create(CultureInfo.InvariantCulture, $"the smallest network of this space has {counter.Smallest:N0} parameters"));
    }

    /// <summary>The latency bound at <paramref name="batchSize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No architecture of the space is predicted to fit; the message names the smallest latency.</exception>
    public static Limit LatencyLimit(TimeSpan max, LatencyTable table, int batchSize, string path)
    {
        string option = path + nameof(OneShotTrainerOptions.MaxLatency);
        var cost = table.At(batchSize);
        if (cost.Smallest > max.TotalMilliseconds)
        {
            throw new ArgumentOutOfRangeException(option, max, string.Create(CultureInfo.InvariantCulture,
                $"{option} = {max.TotalMilliseconds:0.000} ms cannot be met: the fastest network this space can make takes {cost.Describe(cost.Smallest)} on {table.Device} with {LatencyTable.DescribeThreads(table.Threads)} (predicted by its latency table)."));
        }
        return new Limit(option, max.TotalMilliseconds, cost, $"the fastest network of this space takes {cost.Describe(cost.Smallest)}");
    }

    /// <summary>The budget of <paramref name="limits"/>; null when there is none.</summary>
    /// <param name="limits">The bounds.</param>
    /// <param name="space">The space of the network the bounds count (its keys are the searched space's).</param>
    /// <param name="parameters">The counter of the parameter bound, if any.</param>
    /// <param name="latency">The table of the latency bound, if any.</param>
    /// <param name="latencyBatchSize">The batch the latency bound applies to.</param>
    public static ArchitectureBudget? Of(IReadOnlyList<Limit> limits, ModelSearchSpace space, ParameterCounter? parameters, LatencyTable? latency, int latencyBatchSize) =>
        limits.Count == 0 ? null : new ArchitectureBudget(limits, space, parameters, latency, latencyBatchSize);

    public bool Fits(Architecture architecture) => Fits(Masks(architecture));

    /// <summary>The candidates <paramref name="architecture"/> runs, by key.</summary>
    public Dictionary<string, bool[]> Masks(Architecture architecture) => ArchitectureResolver.ToMasks(architecture, space);

    public bool Fits(IReadOnlyDictionary<string, bool[]> chosen) => limits.All(l => l.Cost.Of(chosen) <= l.Max);

    /// <summary>The parameter count (with a parameter bound) and the predicted latency (with a latency bound) of <paramref name="chosen"/>.</summary>
    public (long? Parameters, TimeSpan? Latency) Costs(IReadOnlyDictionary<string, bool[]> chosen) =>
        (Parameters?.Count(chosen), Latency is { } table ? TimeSpan.FromMilliseconds(table.At(LatencyBatchSize).Of(chosen)) : null);

    /// <summary>The smallest reachable value of every bound, for messages.</summary>
    public string DescribeSmallest() => string.Join("; ", limits.Select(l => l.Smallest));

    /// <summary>What an architecture costs under every bound ("1234 parameters, 0.412 ms at batch 1").</summary>
    public string Describe(IReadOnlyDictionary<string, bool[]> chosen) => string.Join(", ", limits.Select(l => l.Cost.Describe(l.Cost.Of(chosen))));

    public override string ToString() => "at most " + string.Join(" and ", limits.Select(l => l.Cost.Describe(l.Max)));
}
