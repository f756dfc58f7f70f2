using System.Text.Json;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>What a NAS run recorded, epoch by epoch: the search first, then the final training of the found architecture.</summary>
public sealed class NasSearchHistory
{
    /// <summary>The phase name of search epochs.</summary>
    public const string SearchPhase = "search";

    /// <summary>The phase name of final-training epochs.</summary>
    public const string FinalPhase = "final";

    /// <summary>Creates a history of <paramref name="epochs"/>, in the order they ran.</summary>
    public NasSearchHistory(IEnumerable<NasEpochRecord> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        Epochs = epochs.ToArray();
    }

    /// <summary>Every recorded epoch, in the order they ran.</summary>
    public IReadOnlyList<NasEpochRecord> Epochs { get; }

    /// <summary>The search epochs.</summary>
    public IReadOnlyList<NasEpochRecord> Search => Epochs.Where(e => e.Phase == SearchPhase).ToArray();

    /// <summary>The final-training epochs.</summary>
    public IReadOnlyList<NasEpochRecord> Final => Epochs.Where(e => e.Phase == FinalPhase).ToArray();

    /// <summary>The history as JSON: an array of <c>{"phase", "epoch", "metrics": {...}}</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(
        Epochs.Select(e => new Entry(e.Phase, e.Epoch, new SortedDictionary<string, double>(e.Metrics.ToDictionary(), StringComparer.Ordinal))),
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    /// <exception cref="FormatException">The text is not a history.</exception>
    public static NasSearchHistory FromJson(string json)
    {
        try
        {
            var entries = JsonSerializer.Deserialize<Entry[]>(json, new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
            }) ?? throw new FormatException("A NAS history must be a JSON array.");
            return new NasSearchHistory(entries.Select(e => new NasEpochRecord(
                e.Phase ?? throw new FormatException("A NAS history entry needs a phase."), e.Epoch, e.Metrics ?? new())));
        }
        catch (JsonException error)
        {
            throw new FormatException($"Not a NAS history: {error.Message}", error);
        }
    }

    private sealed record Entry(string? Phase, int Epoch, SortedDictionary<string, double>? Metrics);
}
