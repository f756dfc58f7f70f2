using System.Globalization;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Mlp;

/// <summary>
/// The <c>mlp</c> space (<see cref="SearchSpaces.Mlp"/>): an <see cref="MlpNetwork"/>. Spec parameters: <c>layers</c>
/// (2), <c>hidden</c> (128, each layer's output width), <c>widths</c> ("64,256", the hidden widths a block may use
/// inside), <c>activations</c> ("relu,tanh"; also gelu, sigmoid, elu), <c>dropout</c> (0), <c>widthMultiplier</c> (1:
/// hidden and widths are built this many times wider, under the names of the unscaled widths, so that an architecture
/// found on the narrow space applies to the wide one), <c>inputNorm</c> (<c>batch</c>: a batch norm standardizes the
/// inputs, as <see cref="SearchSpaces.Mlp"/> records by default; <c>none</c>, what a spec without it means, so models
/// saved before it existed load unchanged).
/// </summary>
internal sealed class MlpSpace : BuiltInSpace
{
    public const int DefaultLayers = 2;
    public const int DefaultHidden = 128;
    public static readonly IReadOnlyList<int> DefaultWidths = [64, 256];
    public static readonly IReadOnlyList<string> DefaultActivations = ["relu", "tanh"];
    private const string BatchInputNorm = "batch";
    private const string NoInputNorm = "none";

    public override string Kind => SearchSpaces.MlpKind;

    protected override IReadOnlyList<string> ParameterNames { get; } = ["layers", "hidden", "widths", "activations", "dropout", "widthMultiplier", "inputNorm"];

    /// <summary>The spec of this space with the given hyperparameters.</summary>
    public static SearchSpaceSpec Spec(int layers, int hidden, IEnumerable<int>? widths, IEnumerable<string>? activations, double dropout,
        bool normalizeInputs)
    {
        var parameters = new Dictionary<string, object>
        {
            ["layers"] = layers,
            ["hidden"] = hidden,
            ["widths"] = string.Join(",", (widths ?? DefaultWidths).Select(w => w.ToString(CultureInfo.InvariantCulture))),
            ["activations"] = string.Join(",", activations ?? DefaultActivations),
            ["dropout"] = dropout,
        };
        if (normalizeInputs)
        {
            parameters["inputNorm"] = BatchInputNorm;
        }
        return new(SearchSpaces.MlpKind, parameters);
    }

    protected override nn.Module<Tensor, Tensor> Create(SearchSpaceSpec spec, SpaceContext context)
    {
        int layers = spec.GetInt32("layers", DefaultLayers);
        int hidden = spec.GetInt32("hidden", DefaultHidden);
        int[] widths = ParseList(spec, "widths", DefaultWidths).Select(w => ParseWidth(spec, w)).ToArray();
        string[] activations = ParseList(spec, "activations", DefaultActivations);
        long inputs = context.SampleShape.Aggregate(1L, (a, b) => a * b);
        return new MlpNetwork(inputs, context.ClassCount, layers, hidden, widths, activations, Dropout(spec, 0), WidthMultiplier(spec),
            NormalizesInputs(spec));
    }

    // The candidates' names carry their widths ("relu_64"): scaling "widths" itself would rename them and the found
    // architecture would no longer apply, so the multiplier is a parameter of its own.
    protected override SearchSpaceSpec Scaled(SearchSpaceSpec spec, double widthMultiplier, int depthMultiplier) => depthMultiplier == 1
        ? spec.With("widthMultiplier", WidthMultiplier(spec) * widthMultiplier)
        : throw CannotRepeat(depthMultiplier, "each layer has its own decision");

    private static bool NormalizesInputs(SearchSpaceSpec spec) => spec.GetString("inputNorm", NoInputNorm) switch
    {
        BatchInputNorm => true,
        NoInputNorm => false,
        var other => throw new ArgumentException(
            $"Parameter 'inputNorm' of search space 'mlp' must be '{BatchInputNorm}' or '{NoInputNorm}'; got '{other}'.", nameof(spec)),
    };

    private static double WidthMultiplier(SearchSpaceSpec spec)
    {
        double multiplier = spec.GetDouble("widthMultiplier", 1);
        return multiplier > 0 && double.IsFinite(multiplier) ? multiplier
            : throw new ArgumentException($"Parameter 'widthMultiplier' of search space 'mlp' must be a positive number; got {multiplier}.", nameof(spec));
    }

    private static string[] ParseList<T>(SearchSpaceSpec spec, string name, IEnumerable<T> defaults)
    {
        string defaultValue = string.Join(",", defaults.Select(d => Convert.ToString(d, CultureInfo.InvariantCulture)));
        var items = spec.GetString(name, defaultValue).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new ArgumentException($"Search space 'mlp': parameter '{name}' lists nothing.", nameof(spec));
    }

    private static int ParseWidth(SearchSpaceSpec spec, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int width) && width > 0
            ? width
            : throw new ArgumentException($"Search space 'mlp': width '{text}' in '{spec.GetString("widths")}' is not a positive integer.", nameof(spec));
}
