using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Onnx;

/// <summary>What <see cref="OnnxExport.Save"/> writes besides the network.</summary>
public sealed class OnnxExportOptions
{
    private readonly Dictionary<Type, Func<nn.Module, OnnxValue, OnnxTranslation, OnnxValue>> translators = [];

    /// <summary>
    /// The class labels in output order (the label's key values), written as the metadata entry
    /// <see cref="OnnxExport.LabelsMetadataKey"/> (a JSON array of strings); null writes none.
    /// </summary>
    public IReadOnlyList<string>? ClassLabels { get; set; }

    /// <summary>More metadata entries (the model's <c>metadata_props</c>), e.g. the search space and the architecture.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether the graph has the second output <see cref="OnnxExport.PredictedIndexOutputName"/> (the argmax); true by default.</summary>
    public bool IncludePredictedIndex { get; set; } = true;

    /// <summary>
    /// Translates modules of type <typeparamref name="TModule"/> (exactly that type) with <paramref name="translate"/>,
    /// which returns the module's output for its input: for a custom module whose forward is not a chain of its children,
    /// translate the children with <see cref="OnnxTranslation.Module"/> and combine them with the other methods of
    /// <see cref="OnnxTranslation"/>, as the forward does.
    /// </summary>
    public OnnxExportOptions AddTranslator<TModule>(Func<TModule, OnnxValue, OnnxTranslation, OnnxValue> translate) where TModule : nn.Module
    {
        ArgumentNullException.ThrowIfNull(translate);
        translators[typeof(TModule)] = (module, input, translation) => translate((TModule)module, input, translation);
        return this;
    }

    internal IReadOnlyDictionary<Type, Func<nn.Module, OnnxValue, OnnxTranslation, OnnxValue>> Translators => translators;

    /// <summary>A copy with <paramref name="labels"/> where no labels are set and <paramref name="metadata"/> under the entries set here.</summary>
    internal OnnxExportOptions WithDefaults(IReadOnlyList<string>? labels, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var copy = new OnnxExportOptions { ClassLabels = ClassLabels ?? labels, IncludePredictedIndex = IncludePredictedIndex };
        foreach (var (type, translate) in translators)
        {
            copy.translators[type] = translate;
        }
        foreach (var (key, value) in metadata.Concat(Metadata))
        {
            copy.Metadata[key] = value;
        }
        return copy;
    }
}
