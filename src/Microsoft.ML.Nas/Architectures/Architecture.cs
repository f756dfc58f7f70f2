namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// A fixed architecture: one decision per key, read and written in NNI's JSON format
/// (<c>{"LayerChoice1": "conv5x5", "InputChoice2": [0, 2]}</c>, keys sorted, indented).
/// </summary>
public sealed class Architecture
{
    private readonly SortedDictionary<string, ArchitectureChoice> choices = new(StringComparer.Ordinal);

    /// <summary>An architecture of the given decisions.</summary>
    /// <exception cref="ArgumentException">A key is empty or appears twice.</exception>
    public Architecture(IEnumerable<KeyValuePair<string, ArchitectureChoice>> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        foreach (var (key, choice) in choices)
        {
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException("An architecture key must not be empty.", nameof(choices));
            }
            ArgumentNullException.ThrowIfNull(choice, nameof(choices));
            if (!this.choices.TryAdd(key, choice))
            {
                throw new ArgumentException($"Key '{key}' appears twice in the architecture.", nameof(choices));
            }
        }
    }

    /// <summary>The keys, sorted ordinally (as written).</summary>
    public IReadOnlyCollection<string> Keys => choices.Keys;

    /// <summary>The decisions by key, sorted ordinally.</summary>
    public IReadOnlyDictionary<string, ArchitectureChoice> Choices => choices;

    /// <summary>The number of decisions.</summary>
    public int Count => choices.Count;

    /// <summary>The decision for <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such key; the message lists the keys.</exception>
    public ArchitectureChoice this[string key] => choices.TryGetValue(key, out var choice) ? choice
        : throw new KeyNotFoundException($"The architecture has no key '{key}'; its keys are: {string.Join(", ", choices.Keys)}.");

    /// <summary>Reads an architecture from JSON text.</summary>
    /// <exception cref="ArchitectureException">The text is not an object of valid decisions; the message names the key.</exception>
    public static Architecture FromJson(string json) => ArchitectureJson.Read(json, file: null);

    /// <summary>Reads an architecture from a JSON file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist; the message names it.</exception>
    /// <exception cref="ArchitectureException">The file does not hold valid decisions; the message names the file and key.</exception>
    public static Architecture Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Architecture file '{Path.GetFullPath(path)}' does not exist.", path);
        }
        return ArchitectureJson.Read(File.ReadAllText(path), path);
    }

    /// <summary>The architecture as indented JSON with sorted keys (NNI's export format).</summary>
    public string ToJson() => ArchitectureJson.Write(this);

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/>, creating its folder if needed.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        File.WriteAllText(path, ToJson());
    }

    /// <inheritdoc/>
    public override string ToString() => ToJson();
}
