using Microsoft.ML.Data;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.MLNet.Fitting;
using Microsoft.ML.Nas.MLNet.Persistence;
using Microsoft.ML.Nas.MLNet.Scoring;
using Microsoft.ML.Nas.Onnx;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Visualization;
using Microsoft.ML.Nas.Visualization.Report;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// A trained NAS model in an ML.NET pipeline: it adds <c>Score</c> (one probability per class) and
/// <c>PredictedLabel</c> (a key with the label's values) to its input, scoring lazily in batches on its device.
/// Save and load it with <c>mlContext.Model.Save</c> / <c>mlContext.Model.Load</c>.
/// </summary>
public sealed class NasTransformer : ITransformer, IDisposable
{
    /// <summary>How many rows <see cref="Transform"/> scores per forward.</summary>
    public const int ScoringBatchSize = 256;

    /// <summary>The ONNX metadata entry (<see cref="ExportOnnx"/>) holding the search space spec as JSON.</summary>
    public const string OnnxSpaceMetadataKey = "nas_search_space";

    /// <summary>The ONNX metadata entry (<see cref="ExportOnnx"/>) holding the architecture as JSON (NNI's format).</summary>
    public const string OnnxArchitectureMetadataKey = "nas_architecture";

    /// <summary>The ONNX metadata entry (<see cref="ExportOnnx"/>) naming the features column the model was trained on.</summary>
    public const string OnnxFeaturesColumnMetadataKey = "nas_features_column";

    private readonly IHost host;
    private readonly NasModelPayload payload;
    private readonly NasScorer scorer;

    internal NasTransformer(IHostEnvironment environment, NasModelPayload payload, TorchSharp.torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        TorchRuntime.EnsureAvailable();
        host = environment.Register(nameof(NasTransformer));
        this.payload = payload;
        var model = payload.Model ?? throw new ArgumentException("The NAS model has no network.", nameof(payload));
        scorer = new NasScorer(model, payload.Context, device ?? DeviceSelection.Resolve(MLNetInternals.DeviceOption(environment, option: null)));
    }

    /// <summary>The architecture the search found (one decision per key, NNI's format).</summary>
    public Architecture Architecture => payload.Architecture;

    /// <summary>The search space the network was built from; with <see cref="Architecture"/> it rebuilds the network.</summary>
    public SearchSpaceSpec Spec => payload.Spec;

    /// <summary>What the search and the final training recorded, epoch by epoch.</summary>
    public NasSearchHistory History => payload.History;

    /// <summary>The number of trainable values of the fixed network.</summary>
    public long ParameterCount => scorer.Model.parameters().Sum(p => p.numel());

    /// <summary>The shape of one sample the network reads: [C, H, W] for images, [D] for vectors.</summary>
    public IReadOnlyList<long> SampleShape => payload.Context.SampleShape;

    /// <summary>The number of classes (the length of the Score vector).</summary>
    public int ClassCount => payload.Context.ClassCount;

    /// <summary>The column the model reads.</summary>
    public string FeatureColumnName => payload.Columns.Features;

    /// <summary>The label column the model was trained on.</summary>
    public string LabelColumnName => payload.Columns.Label;

    /// <summary>The probability column the model writes.</summary>
    public string ScoreColumnName => payload.Columns.Score;

    /// <summary>The predicted class column the model writes.</summary>
    public string PredictedLabelColumnName => payload.Columns.PredictedLabel;

    /// <summary>The device the network runs on.</summary>
    public string Device => scorer.Device.ToString();

    /// <summary>The fixed network itself, for use from plain TorchSharp (owned by this transformer: do not dispose it).</summary>
    public TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Network => scorer.Model;

    /// <summary>Always true: rows can be scored one at a time, as PredictionEngine needs.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>Writes <see cref="Architecture"/> to <paramref name="path"/> as JSON (NNI's format).</summary>
    public void ExportArchitecture(string path) => Architecture.Save(path);

    /// <summary>
    /// Writes the fixed network as an ONNX model (<see cref="OnnxExport"/>) that scores without this library or TorchSharp,
    /// e.g. with ML.NET's <c>ApplyOnnxModel</c> or ONNX Runtime: input <see cref="OnnxExport.InputName"/> takes the
    /// Features column's vector, output <see cref="OnnxExport.ProbabilitiesOutputName"/> is the Score column. The
    /// metadata holds the label's key values (<see cref="OnnxExport.LabelsMetadataKey"/>), the search space and the
    /// architecture. The file is written atomically.
    /// </summary>
    /// <param name="path">The .onnx file to write.</param>
    /// <param name="options">
    /// Translators for a custom space's own modules (<see cref="OnnxExportOptions.AddTranslator{TModule}"/>) and more
    /// metadata; null for none. Its class labels default to the label's key values.
    /// </param>
    /// <exception cref="NotSupportedException">The network has a module the export cannot translate (a custom space's own module); the message names it.</exception>
    public void ExportOnnx(string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var metadata = new Dictionary<string, string>
        {
            [OnnxSpaceMetadataKey] = Spec.ToJson(),
            [OnnxArchitectureMetadataKey] = Architecture.ToJson(),
            [OnnxFeaturesColumnMetadataKey] = FeatureColumnName,
        };
        options = (options ?? new OnnxExportOptions()).WithDefaults(payload.LabelValues?.ToText(), metadata);
        OnnxExport.Save(Network, SampleShape, path, options);
    }

    /// <summary>
    /// Draws <see cref="Architecture"/> (<see cref="ArchitectureDrawing"/>): <c>.svg</c>, <c>.png</c> (needs the
    /// Microsoft.ML.Nas.Rendering package) or <c>.dot</c> for Graphviz, by the extension of <paramref name="path"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is none of those.</exception>
    /// <exception cref="NotSupportedException">A PNG was asked for without the Microsoft.ML.Nas.Rendering package.</exception>
    /// <exception cref="KeyNotFoundException">The model's custom search space is not registered (as loading it needs).</exception>
    public void DrawArchitecture(string path) => ArchitectureDrawing.Draw(Spec, payload.Context, Architecture, path);

    /// <summary>
    /// Writes the search report (<see cref="SearchReport"/>) to <paramref name="path"/>: one self-contained HTML file
    /// with the architecture's picture, the search and final training per epoch, and the time line.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The model's custom search space is not registered (as loading it needs).</exception>
    public void WriteReport(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var epochs = History.Epochs.Select(e => new ReportEpoch(e.Phase, e.Epoch, e.Metrics)).ToList();
        SearchReport.Write(path, Spec, payload.Context, Architecture, epochs, ParameterCount);
    }

    /// <summary>The input's columns followed by Score and PredictedLabel.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The features column is missing or not a vector of the trained size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        NasSchemaChecks.CheckFeatures(inputSchema, FeatureColumnName, scorer.FeatureCount);
        return NasOutputSchema.Build(inputSchema, payload.Columns, ClassCount, payload.LabelValues);
    }

    /// <summary>Scores <paramref name="input"/> lazily: rows are read and scored in batches as a cursor moves.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new NasScoredDataView(input, GetOutputSchema(input.Schema), this);
    }

    /// <summary>A mapper that scores one row at a time (used by PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new NasRowMapper(inputSchema, GetOutputSchema(inputSchema), this);
    }

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose() => scorer.Dispose();

    internal NasScorer Scorer => scorer;

    internal void ThrowIfCanceled() => MLNetInternals.ThrowIfCanceled(host);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ObjectDisposedException.ThrowIf(scorer.IsDisposed, this);
        MLNetInternals.Save(ctx, payload);
    }
}
