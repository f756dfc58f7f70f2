using System.Globalization;
using Microsoft.ML.Nas.SearchSpace;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces;

/// <summary>
/// The <c>mlp</c> search space, for plain feature vectors: a stack of layers, each a LayerChoice over blocks that differ
/// in hidden width and activation (<c>relu_64</c>, <c>tanh_256</c>, ...), each block mapping the layer's input to a
/// common output width, then a linear classifier.
/// </summary>
/// <remarks>
/// Spec parameters: <c>layers</c> (2), <c>hidden</c> (128, each layer's output width), <c>widths</c> ("64,256", the
/// hidden widths a block may use inside), <c>activations</c> ("relu,tanh"; also gelu, sigmoid, elu), <c>dropout</c> (0).
/// Inputs of any shape are flattened.
/// </remarks>
public sealed class MlpSpace : nn.Module<Tensor, Tensor>
{
    /// <summary>The kind this space is registered under.</summary>
    public const string Kind = "mlp";

    private readonly nn.Module<Tensor, Tensor> flatten;
    private readonly TorchSharp.Modules.ModuleList<LayerChoice> layers;
    private readonly nn.Module<Tensor, Tensor> dropout;
    private readonly nn.Module<Tensor, Tensor> classifier;

    /// <summary>Builds the supernet of <paramref name="spec"/> for <paramref name="context"/>'s samples and classes.</summary>
    /// <exception cref="ArgumentException">A parameter is out of range or names an unknown activation.</exception>
    public MlpSpace(SearchSpaceSpec spec, SpaceContext context)
        : base(nameof(MlpSpace))
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        int layerCount = spec.GetInt32("layers", 2);
        int hidden = spec.GetInt32("hidden", 128);
        int[] widths = ParseList(spec, "widths", "64,256").Select(w => ParseWidth(spec, w)).ToArray();
        string[] activations = ParseList(spec, "activations", "relu,tanh");
        double rate = spec.GetDouble("dropout", 0);
        if (layerCount < 1 || hidden < 1 || rate is < 0 or >= 1)
        {
            throw new ArgumentException($"Search space 'mlp' needs layers ≥ 1, hidden ≥ 1 and 0 ≤ dropout < 1; got {spec}.", nameof(spec));
        }
        long inputs = context.SampleShape.Aggregate(1L, (a, b) => a * b);
        flatten = nn.Flatten();
        layers = nn.ModuleList<LayerChoice>();
        for (int i = 0; i < layerCount; i++)
        {
            long width = i == 0 ? inputs : hidden;
            var candidates = from activation in activations
                             from inner in widths
                             select KeyValuePair.Create($"{activation}_{inner}", Block(width, inner, hidden, activation));
            layers.Add(new LayerChoice(candidates.ToList(), key: $"layer{i}"));
        }
        dropout = nn.Dropout(rate);
        classifier = nn.Linear(hidden, context.ClassCount);
        RegisterComponents();
    }

    /// <summary>The spec of this space with the given hyperparameters.</summary>
    public static SearchSpaceSpec Spec(int layers = 2, int hidden = 128, IEnumerable<int>? widths = null, IEnumerable<string>? activations = null, double dropout = 0) =>
        new(Kind, new Dictionary<string, object>
        {
            ["layers"] = layers,
            ["hidden"] = hidden,
            ["widths"] = string.Join(",", (widths ?? [64, 256]).Select(w => w.ToString(CultureInfo.InvariantCulture))),
            ["activations"] = string.Join(",", activations ?? ["relu", "tanh"]),
            ["dropout"] = dropout,
        });

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = flatten.forward(input);
        foreach (var layer in layers)
        {
            x = layer.forward(x);
        }
        return classifier.forward(dropout.forward(x));
    }

    private static nn.Module<Tensor, Tensor> Block(long inputs, int inner, int outputs, string activation) =>
        nn.Sequential(nn.Linear(inputs, inner), Activation(activation), nn.Linear(inner, outputs), Activation(activation));

    private static nn.Module<Tensor, Tensor> Activation(string name) => name switch
    {
        "relu" => nn.ReLU(),
        "tanh" => nn.Tanh(),
        "gelu" => nn.GELU(),
        "sigmoid" => nn.Sigmoid(),
        "elu" => nn.ELU(),
        _ => throw new ArgumentException($"Search space 'mlp': activation '{name}' is not known; use relu, tanh, gelu, sigmoid or elu.", nameof(name)),
    };

    private static string[] ParseList(SearchSpaceSpec spec, string name, string defaultValue)
    {
        var items = spec.GetString(name, defaultValue).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new ArgumentException($"Search space 'mlp': parameter '{name}' lists nothing.", nameof(spec));
    }

    private static int ParseWidth(SearchSpaceSpec spec, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int width) && width > 0
            ? width
            : throw new ArgumentException($"Search space 'mlp': width '{text}' in '{spec.GetString("widths")}' is not a positive integer.", nameof(spec));
}
