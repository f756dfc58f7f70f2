using System.Text.Json;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// The cache file of a <see cref="LatencyTable"/>: JSON with the format version, the full key it was measured under,
/// and per batch size the fixed part and each LayerChoice key's candidate latencies in milliseconds. Reading checks all
/// of it against what is asked, so a file from another machine, build or space, or a damaged one, is never used.
/// </summary>
internal static class LatencyTableFile
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>One batch size's entries: the fixed part and, per LayerChoice key, a latency per candidate.</summary>
    internal sealed record Batch(double Fixed, Dictionary<string, double[]> Candidates);

    public static bool TryRead(string path, int format, string key, ModelSearchSpace space, out Dictionary<int, Batch> batches, out string reason)
    {
        batches = new();
        Content? content;
        try
        {
            content = JsonSerializer.Deserialize<Content>(File.ReadAllText(path), Json);
        }
        catch (Exception error) when (error is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            reason = $"cannot be read ({error.Message})";
            return false;
        }
        if (content is null || content.Format != format || content.Key != key || content.Batches is null)
        {
            reason = "was written for another format, library, machine, device, thread count or space";
            return false;
        }
        var layerChoices = space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice).ToList();
        foreach (var entry in content.Batches)
        {
            if (entry.BatchSize <= 0 || batches.ContainsKey(entry.BatchSize) || entry.Candidates is null || !IsLatency(entry.FixedMilliseconds) || entry.Candidates.Count != layerChoices.Count
                || !layerChoices.All(d => entry.Candidates.TryGetValue(d.Key, out var costs) && costs is not null && costs.Length == d.CandidateCount && costs.All(IsLatency)))
            {
                reason = $"has damaged entries at batch {entry.BatchSize}";
                return false;
            }
            batches[entry.BatchSize] = new Batch(entry.FixedMilliseconds, new Dictionary<string, double[]>(entry.Candidates, StringComparer.Ordinal));
        }
        reason = "";
        return true;
    }

    /// <summary>Writes the table atomically; returns the path, or null (logged) when the folder cannot be written.</summary>
    public static string? TryWrite(string path, int format, string key, string device, int threads, long[] sampleShape,
        Dictionary<int, Batch> batches, Action<string>? log)
    {
        var content = new Content(format, key, device, threads, sampleShape,
            [.. batches.OrderBy(b => b.Key).Select(b => new Entry(b.Key, b.Value.Fixed, b.Value.Candidates))]);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.Write(path, temporary => File.WriteAllText(temporary, JsonSerializer.Serialize(content, Json)));
            return path;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The cache only saves time: a folder that cannot be written costs a measurement next time, not the search.
            log?.Invoke($"Latency table: could not write the cache '{path}' ({error.Message}); it will be measured again next time.");
            return null;
        }
    }

    private static bool IsLatency(double milliseconds) => double.IsFinite(milliseconds) && milliseconds >= 0;

    private sealed record Content(int Format, string? Key, string? Device, int Threads, long[]? SampleShape, Entry[]? Batches);

    private sealed record Entry(int BatchSize, double FixedMilliseconds, Dictionary<string, double[]>? Candidates);
}
