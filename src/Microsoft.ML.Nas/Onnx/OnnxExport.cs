using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.Nas.Onnx.Protobuf;
using Microsoft.ML.Nas.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Onnx;

/// <summary>
/// Writes a fixed (pruned) network as an ONNX model that ONNX Runtime, ML.NET's <c>ApplyOnnxModel</c> and other ONNX
/// runtimes run without TorchSharp: opset <see cref="Opset"/>, a dynamic batch dimension, the flat feature vector as
/// input (reshaped to the sample shape inside the graph) and the class probabilities as output.
/// </summary>
/// <remarks>
/// Each module is translated as its forward computes in eval mode: batch norms use their running statistics (folded
/// into the convolution before them where there is one), dropout and drop-path are identities, auxiliary heads are left
/// out. Supported: the built-in spaces' networks and ops, fixed LayerChoice and InputChoice, and TorchSharp's standard
/// modules (see <see cref="OnnxTranslation"/>); another module fails with a <see cref="NotSupportedException"/>
/// naming its type and path, unless a translator is registered for it (<see cref="OnnxExportOptions.AddTranslator{TModule}"/>).
/// </remarks>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int Opset = 17;

    /// <summary>The graph's input: float32 [batch, features], the sample flattened row-major (as ML.NET's Features column).</summary>
    public const string InputName = "features";

    /// <summary>The graph's first output: float32 [batch, classes], the softmax of the network's logits.</summary>
    public const string ProbabilitiesOutputName = "probabilities";

    /// <summary>The graph's second output: int64 [batch], the index of the most probable class (0-based).</summary>
    public const string PredictedIndexOutputName = "predicted_label_index";

    /// <summary>The metadata entry holding the class labels in output order, as a JSON array of strings.</summary>
    public const string LabelsMetadataKey = "label_key_values";

    // ONNX IR version 8 is the one that goes with opset 17.
    private const long IrVersion = 8;

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> (atomically: a failure leaves an existing file as it was).</summary>
    /// <param name="network">A fixed network (no unfixed LayerChoice or InputChoice) whose forward returns logits [batch, classes].</param>
    /// <param name="sampleShape">The shape of one sample as the network takes it, e.g. [1, 28, 28] for greyscale images or [64] for vectors.</param>
    /// <param name="path">The .onnx file to write.</param>
    /// <param name="options">Labels, metadata and translators for custom modules; null for none.</param>
    /// <exception cref="NotSupportedException">A module has no translator; the message names its type, its path in the network and what to change.</exception>
    /// <exception cref="ArgumentException">The sample shape is empty or has a size below 1, or the path is empty.</exception>
    public static void Save(nn.Module<Tensor, Tensor> network, IReadOnlyList<long> sampleShape, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var model = Build(network, sampleShape, options ?? new OnnxExportOptions());
        AtomicFile.Write(path, temporary =>
        {
            using var file = File.Create(temporary);
            model.WriteTo(file);
        });
    }

    internal static ModelProto Build(nn.Module<Tensor, Tensor> network, IReadOnlyList<long> sampleShape, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(options);
        if (sampleShape.Count == 0 || sampleShape.Any(d => d < 1))
        {
            throw new ArgumentException($"The sample shape must have at least one dimension, each at least 1; got [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
        }
        TorchRuntime.EnsureAvailable();
        var graph = new OnnxGraphBuilder();
        long features = sampleShape.Aggregate(1L, (a, b) => checked(a * b));
        var input = new OnnxValue(graph.Unique(InputName), [-1, features]);
        var translation = new OnnxTranslation(graph, options.Translators);
        var sample = translation.Reshape(input, [-1, .. sampleShape]);
        var logits = translation.Translate(network, sample);
        if (logits.Rank != 2)
        {
            throw new NotSupportedException($"ONNX export: the network returns {logits}; logits of shape [batch, classes] were expected.");
        }
        if (options.ClassLabels is { } labels && labels.Count != logits.Shape[1])
        {
            throw new ArgumentException($"{labels.Count} class labels were given for a network of {logits.Shape[1]} classes.", nameof(options));
        }
        var probabilities = graph.Node("Softmax", ProbabilitiesOutputName, logits.Shape, [logits.Name], OnnxGraphBuilder.Int("axis", 1));
        var outputs = new List<(OnnxValue, TensorProto.Types.DataType)> { (probabilities, TensorProto.Types.DataType.Float) };
        if (options.IncludePredictedIndex)
        {
            var predicted = graph.Node("ArgMax", PredictedIndexOutputName, [-1], [logits.Name], OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
            outputs.Add((predicted, TensorProto.Types.DataType.Int64));
        }
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Microsoft.ML.Nas",
            ProducerVersion = typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            DocString = $"A network found by neural architecture search ({network.GetType().Name}). Input '{InputName}': float32 [batch, {features}], " +
                $"one sample of shape [{string.Join(", ", sampleShape)}] per row; output '{ProbabilitiesOutputName}': float32 [batch, {logits.Shape[1]}].",
            Graph = graph.Build(network.GetType().Name, input, outputs),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (options.ClassLabels is { } classLabels)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = LabelsMetadataKey, Value = JsonSerializer.Serialize(classLabels) });
        }
        foreach (var (key, value) in options.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return model;
    }
}
