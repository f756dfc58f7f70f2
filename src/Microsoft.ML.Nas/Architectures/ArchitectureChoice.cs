using System.Globalization;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// One decision of an <see cref="Architecture"/> as written in JSON: a name, an index, a list of names or indices, a
/// bool mask or weights. It is checked against a search space when applied.
/// </summary>
public sealed class ArchitectureChoice : IEquatable<ArchitectureChoice>
{
    private ArchitectureChoice(ChoiceForm form, string[]? names = null, int[]? indices = null, bool[]? mask = null, float[]? weights = null)
    {
        Form = form;
        Names = names ?? [];
        Indices = indices ?? [];
        Mask = mask ?? [];
        Weights = weights ?? [];
    }

    /// <summary>The form of the decision.</summary>
    public ChoiceForm Form { get; }

    /// <summary>The chosen names (<see cref="ChoiceForm.Name"/>, <see cref="ChoiceForm.Names"/>); else empty.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The chosen indices (<see cref="ChoiceForm.Index"/>, <see cref="ChoiceForm.Indices"/>); else empty.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>The mask (<see cref="ChoiceForm.Mask"/>); else empty.</summary>
    public IReadOnlyList<bool> Mask { get; }

    /// <summary>The weights (<see cref="ChoiceForm.Weights"/>); else empty.</summary>
    public IReadOnlyList<float> Weights { get; }

    /// <summary>No candidate: written <c>[]</c>.</summary>
    public static ArchitectureChoice Empty { get; } = new(ChoiceForm.Indices, indices: []);

    /// <summary>One candidate by name.</summary>
    public static ArchitectureChoice Name(string name) => new(ChoiceForm.Name, names: [name ?? throw new ArgumentNullException(nameof(name))]);

    /// <summary>One candidate by index.</summary>
    public static ArchitectureChoice Index(int index) => new(ChoiceForm.Index, indices: [index]);

    /// <summary>Candidates by name.</summary>
    public static ArchitectureChoice OfNames(params IEnumerable<string> names) => new(ChoiceForm.Names, names: [.. names]);

    /// <summary>Candidates by index.</summary>
    public static ArchitectureChoice OfIndices(params IEnumerable<int> indices) => new(ChoiceForm.Indices, indices: [.. indices]);

    /// <summary>A bool per candidate.</summary>
    public static ArchitectureChoice OfMask(params IEnumerable<bool> mask) => new(ChoiceForm.Mask, mask: [.. mask]);

    /// <summary>A weight per candidate.</summary>
    public static ArchitectureChoice OfWeights(params IEnumerable<float> weights) => new(ChoiceForm.Weights, weights: [.. weights]);

    /// <inheritdoc/>
    public bool Equals(ArchitectureChoice? other) => other is not null && Form == other.Form
        && Names.SequenceEqual(other.Names, StringComparer.Ordinal) && Indices.SequenceEqual(other.Indices)
        && Mask.SequenceEqual(other.Mask) && Weights.SequenceEqual(other.Weights);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ArchitectureChoice);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Form, Names.Count, Indices.Count, Mask.Count, Weights.Count);

    /// <summary>The decision as JSON.</summary>
    public override string ToString() => Form switch
    {
        ChoiceForm.Name => $"\"{Names[0]}\"",
        ChoiceForm.Index => Indices[0].ToString(CultureInfo.InvariantCulture),
        ChoiceForm.Names => $"[{string.Join(", ", Names.Select(n => $"\"{n}\""))}]",
        ChoiceForm.Indices => $"[{string.Join(", ", Indices)}]",
        ChoiceForm.Mask => $"[{string.Join(", ", Mask.Select(m => m ? "true" : "false"))}]",
        _ => $"[{string.Join(", ", Weights.Select(w => w.ToString("R", CultureInfo.InvariantCulture)))}]",
    };
}
