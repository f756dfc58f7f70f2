using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>Reads and writes NNI's architecture JSON (an object key → decision) with System.Text.Json.</summary>
internal static class ArchitectureJson
{
    public static string Write(Architecture architecture)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (key, choice) in architecture.Choices)
            {
                writer.WritePropertyName(key);
                WriteChoice(writer, choice);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static Architecture Read(string json, string? file)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new ArchitectureException($"The architecture is not valid JSON: {error.Message}", key: null, file: file, innerException: error);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArchitectureException($"An architecture must be a JSON object of key → decision, not {document.RootElement.ValueKind}.", key: null, file: file);
            }
            var choices = new List<KeyValuePair<string, ArchitectureChoice>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new ArchitectureException($"Key '{property.Name}' appears twice.", property.Name, file);
                }
                choices.Add(KeyValuePair.Create(property.Name, ReadChoice(property.Name, property.Value, file)));
            }
            return new Architecture(choices);
        }
    }

    private static void WriteChoice(Utf8JsonWriter writer, ArchitectureChoice choice)
    {
        switch (choice.Form)
        {
            case ChoiceForm.Name:
                writer.WriteStringValue(choice.Names[0]);
                return;
            case ChoiceForm.Index:
                writer.WriteNumberValue(choice.Indices[0]);
                return;
        }
        writer.WriteStartArray();
        foreach (var name in choice.Names)
        {
            writer.WriteStringValue(name);
        }
        foreach (var index in choice.Indices)
        {
            writer.WriteNumberValue(index);
        }
        foreach (var bit in choice.Mask)
        {
            writer.WriteBooleanValue(bit);
        }
        foreach (var weight in choice.Weights)
        {
            WriteWeight(writer, weight);
        }
        writer.WriteEndArray();
    }

    // A weight is always written with a decimal point (1.0, not 1), so it reads back as a weight and not as an index.
    // A decimal keeps the scale it was parsed with, and Utf8JsonWriter indents it like any number (raw values it does not).
    private static void WriteWeight(Utf8JsonWriter writer, float weight)
    {
        if (!float.IsFinite(weight))
        {
            throw new ArgumentException($"Weight {weight} cannot be written as JSON.", nameof(weight));
        }
        var text = weight.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.', StringComparison.Ordinal) && !text.Contains('E', StringComparison.Ordinal))
        {
            text += ".0";
        }
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
        {
            writer.WriteNumberValue(exact);
        }
        else
        {
            writer.WriteRawValue(text);
        }
    }

    private static ArchitectureChoice ReadChoice(string key, JsonElement value, string? file)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return ArchitectureChoice.Name(value.GetString()!);
            case JsonValueKind.Number:
                return ArchitectureChoice.Index(ReadIndex(key, value, file));
            case JsonValueKind.Array:
                return ReadList(key, value, file);
            default:
                throw new ArchitectureException(
                    $"Key '{key}': expected a candidate name, an index, or a list of names, indices or bools, but got {value.GetRawText()}.", key, file);
        }
    }

    private static ArchitectureChoice ReadList(string key, JsonElement list, string? file)
    {
        var items = list.EnumerateArray().ToList();
        if (items.Count == 0)
        {
            return ArchitectureChoice.Empty;
        }
        var kinds = items.Select(i => i.ValueKind is JsonValueKind.True or JsonValueKind.False ? JsonValueKind.True : i.ValueKind).Distinct().ToList();
        if (kinds.Count != 1 || kinds[0] is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True))
        {
            throw new ArchitectureException(
                $"Key '{key}': a list must hold only names, only indices, only bools or only weights, but got {list.GetRawText()}.", key, file);
        }
        switch (kinds[0])
        {
            case JsonValueKind.String:
                return ArchitectureChoice.OfNames(items.Select(i => i.GetString()!));
            case JsonValueKind.True:
                return ArchitectureChoice.OfMask(items.Select(i => i.GetBoolean()));
        }
        // A number with a fraction or exponent makes the list weights (Python writes 1.0); plain integers are indices.
        if (items.Any(i => i.GetRawText().IndexOfAny(['.', 'e', 'E']) >= 0))
        {
            return ArchitectureChoice.OfWeights(items.Select(i => i.GetSingle()));
        }
        return ArchitectureChoice.OfIndices(items.Select(i => ReadIndex(key, i, file)));
    }

    private static int ReadIndex(string key, JsonElement value, string? file)
    {
        if (value.GetRawText().IndexOfAny(['.', 'e', 'E']) >= 0 || !value.TryGetInt32(out int index))
        {
            throw new ArchitectureException($"Key '{key}': {value.GetRawText()} is not a candidate index (a whole number).", key, file);
        }
        return index;
    }
}
