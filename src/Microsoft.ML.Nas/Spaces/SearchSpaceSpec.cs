using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Nas.Spaces;

/// <summary>
/// A search space described as data: a kind (a built-in such as <c>darts-cells</c>, or a name registered with
/// <see cref="SearchSpaceRegistry.Register(string, SearchSpaceFactory)"/>) and its hyperparameters. A saved model keeps its spec so that loading it
/// rebuilds the network without the user's code.
/// </summary>
/// <remarks>Values are kept as invariant-culture strings, so the JSON form is exact and culture-independent.</remarks>
public sealed class SearchSpaceSpec : IEquatable<SearchSpaceSpec>
{
    private readonly SortedDictionary<string, string> parameters;

    /// <summary>Creates a spec of <paramref name="kind"/> with the given hyperparameters.</summary>
    /// <exception cref="ArgumentException">The kind or a parameter name is empty, or a name is given twice.</exception>
    public SearchSpaceSpec(string kind, IEnumerable<KeyValuePair<string, object>>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        Kind = kind;
        this.parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters ?? [])
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            if (!this.parameters.TryAdd(name, Format(name, value)))
            {
                throw new ArgumentException($"Search space '{kind}': parameter '{name}' is given twice.", nameof(parameters));
            }
        }
    }

    /// <summary>The kind of space: the name its factory is registered under.</summary>
    public string Kind { get; }

    /// <summary>The hyperparameters, sorted by name, as invariant-culture strings.</summary>
    public IReadOnlyDictionary<string, string> Parameters => parameters;

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public SearchSpaceSpec With(string name, object value)
    {
        var copy = parameters.ToDictionary(p => p.Key, p => (object)p.Value);
        copy[name] = value;
        return new SearchSpaceSpec(Kind, copy);
    }

    /// <summary>
    /// This spec made <paramref name="widthMultiplier"/> times as wide and <paramref name="depthMultiplier"/> times as
    /// deep, with the same decision keys, for retraining a found architecture larger; see <see cref="SearchSpaceRegistry.Scale"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A multiplier is below 1.</exception>
    /// <exception cref="ArgumentException">The space cannot be scaled so (the message names the space and why).</exception>
    public SearchSpaceSpec Scaled(double widthMultiplier, int depthMultiplier = 1) => SearchSpaceRegistry.Scale(this, widthMultiplier, depthMultiplier);

    /// <summary>An integer parameter, or <paramref name="defaultValue"/> when absent.</summary>
    /// <exception cref="ArgumentException">The parameter is absent without a default, or is not an integer.</exception>
    public int GetInt32(string name, int? defaultValue = null) =>
        Get(name, defaultValue, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null, "an integer");

    /// <summary>A real-valued parameter, or <paramref name="defaultValue"/> when absent.</summary>
    public double GetDouble(string name, double? defaultValue = null) =>
        Get(name, defaultValue, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null, "a number");

    /// <summary>A boolean parameter (<c>true</c> / <c>false</c>), or <paramref name="defaultValue"/> when absent.</summary>
    public bool GetBoolean(string name, bool? defaultValue = null) =>
        Get(name, defaultValue, s => bool.TryParse(s, out var v) ? v : null, "true or false");

    /// <summary>A string parameter, or <paramref name="defaultValue"/> when absent.</summary>
    public string GetString(string name, string? defaultValue = null) =>
        parameters.TryGetValue(name, out var value) ? value
        : defaultValue ?? throw new ArgumentException($"Search space '{Kind}' needs parameter '{name}'.", nameof(name));

    /// <summary>The spec as a JSON object: <c>{"kind": "...", "parameters": {...}}</c>.</summary>
    public string ToJson()
    {
        var json = new JsonObject
        {
            ["kind"] = Kind,
            ["parameters"] = new JsonObject(parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    /// <exception cref="FormatException">The text is not a spec object.</exception>
    public static SearchSpaceSpec FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var root = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("A search space spec must be a JSON object.");
            string kind = root["kind"]?.GetValue<string>() ?? throw new FormatException("A search space spec needs a \"kind\" string.");
            var values = root["parameters"]?.AsObject().Select(p => KeyValuePair.Create(p.Key, (object)(p.Value?.GetValue<string>()
                ?? throw new FormatException($"Parameter '{p.Key}' of search space '{kind}' is null."))));
            return new SearchSpaceSpec(kind, values);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            throw new FormatException($"Not a search space spec: {error.Message}", error);
        }
    }

    /// <inheritdoc/>
    public bool Equals(SearchSpaceSpec? other) =>
        other is not null && Kind == other.Kind && parameters.SequenceEqual(other.parameters);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SearchSpaceSpec);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, parameters.Count);

    /// <inheritdoc/>
    public override string ToString() => $"{Kind}({string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}"))})";

    private T Get<T>(string name, T? defaultValue, Func<string, T?> parse, string expected) where T : struct
    {
        if (!parameters.TryGetValue(name, out var text))
        {
            return defaultValue ?? throw new ArgumentException($"Search space '{Kind}' needs parameter '{name}'.", nameof(name));
        }
        return parse(text) ?? throw new ArgumentException($"Parameter '{name}' of search space '{Kind}' is '{text}'; expected {expected}.", nameof(name));
    }

    private string Format(string name, object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f when value is int or long or short or byte or double or float or decimal => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException(
            $"Parameter '{name}' of search space '{Kind}' is a {value?.GetType().Name ?? "null"}; expected a string, a number or a boolean.", nameof(value)),
    };
}
