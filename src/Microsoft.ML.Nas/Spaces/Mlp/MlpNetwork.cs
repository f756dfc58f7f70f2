using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Mlp;

/// <summary>
/// The supernet of the <c>mlp</c> space (<see cref="SearchSpaces.Mlp"/>), for plain feature vectors: a stack of layers,
/// each a LayerChoice (keys <c>layer0</c>, <c>layer1</c>, ...) over blocks that differ in hidden width and activation
/// (<c>relu_64</c>, <c>tanh_256</c>, ...), each block mapping the layer's input to a common output width, then a
/// linear classifier. Inputs of any shape are flattened; with input normalization (the <c>mlp</c> space's default) a batch
/// norm without learned scale then standardizes each input value, so features of any scale train alike.
/// </summary>
public sealed class MlpNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> flatten;
    private readonly nn.Module<Tensor, Tensor> inputNorm;
    private readonly TorchSharp.Modules.ModuleList<LayerChoice> layers;
    private readonly nn.Module<Tensor, Tensor> dropout;
    private readonly nn.Module<Tensor, Tensor> classifier;

    /// <summary>Builds the supernet for samples of <paramref name="inputs"/> values and <paramref name="classes"/> classes.</summary>
    /// <param name="inputs">Values per sample (the product of its shape).</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="layerCount">Number of searched layers.</param>
    /// <param name="hidden">Output width of every layer.</param>
    /// <param name="widths">Hidden widths a block may use inside.</param>
    /// <param name="activations">Activations a block may use: relu, tanh, gelu, sigmoid or elu.</param>
    /// <param name="dropoutRate">Dropout rate before the classifier, in [0, 1).</param>
    /// <exception cref="ArgumentException">A size is not positive, the rate is out of range, or an activation is unknown.</exception>
    public MlpNetwork(long inputs, int classes, int layerCount, int hidden, IReadOnlyList<int> widths, IReadOnlyList<string> activations, double dropoutRate)
        : this(inputs, classes, layerCount, hidden, widths, activations, dropoutRate, widthMultiplier: 1)
    {
    }

    /// <summary>
    /// Builds the supernet with <paramref name="hidden"/> and every width <paramref name="widthMultiplier"/> times wider
    /// (rounded), its candidates still named by the unscaled widths (<c>relu_64</c>), so that an architecture found on
    /// the narrow network applies to the wide one.
    /// </summary>
    /// <param name="inputs">Values per sample (the product of its shape).</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="layerCount">Number of searched layers.</param>
    /// <param name="hidden">Output width of every layer, before the multiplier.</param>
    /// <param name="widths">Hidden widths a block may use inside, before the multiplier; they name the candidates.</param>
    /// <param name="activations">Activations a block may use: relu, tanh, gelu, sigmoid or elu.</param>
    /// <param name="dropoutRate">Dropout rate before the classifier, in [0, 1).</param>
    /// <param name="widthMultiplier">How many times wider the layers are built; positive.</param>
    /// <exception cref="ArgumentException">A size or the multiplier is not positive, the rate is out of range, or an activation is unknown.</exception>
    public MlpNetwork(long inputs, int classes, int layerCount, int hidden, IReadOnlyList<int> widths, IReadOnlyList<string> activations, double dropoutRate,
        double widthMultiplier)
        : this(inputs, classes, layerCount, hidden, widths, activations, dropoutRate, widthMultiplier, normalizeInputs: false)
    {
    }

    /// <summary>
    /// Builds the supernet as <see cref="MlpNetwork(long, int, int, int, IReadOnlyList{int}, IReadOnlyList{string}, double, double)"/>
    /// does, with the inputs standardized first when <paramref name="normalizeInputs"/> is set: a batch norm without
    /// learned scale or shift, which trains on each batch's mean and variance of every input value and scores with
    /// their running averages. Without it, features in the hundreds (raw pixel levels, counts, prices) saturate the
    /// first activations and the network learns nothing.
    /// </summary>
    /// <param name="inputs">Values per sample (the product of its shape).</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="layerCount">Number of searched layers.</param>
    /// <param name="hidden">Output width of every layer, before the multiplier.</param>
    /// <param name="widths">Hidden widths a block may use inside, before the multiplier; they name the candidates.</param>
    /// <param name="activations">Activations a block may use: relu, tanh, gelu, sigmoid or elu.</param>
    /// <param name="dropoutRate">Dropout rate before the classifier, in [0, 1).</param>
    /// <param name="widthMultiplier">How many times wider the layers are built; positive.</param>
    /// <param name="normalizeInputs">Whether a batch norm standardizes the flattened inputs.</param>
    /// <exception cref="ArgumentException">A size or the multiplier is not positive, the rate is out of range, or an activation is unknown.</exception>
    public MlpNetwork(long inputs, int classes, int layerCount, int hidden, IReadOnlyList<int> widths, IReadOnlyList<string> activations, double dropoutRate,
        double widthMultiplier, bool normalizeInputs)
        : base(nameof(MlpNetwork))
    {
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(activations);
        if (inputs < 1 || classes < 1 || layerCount < 1 || hidden < 1 || widths.Count == 0 || widths.Any(w => w < 1) || activations.Count == 0
            || dropoutRate is < 0 or >= 1 || !(widthMultiplier > 0 && double.IsFinite(widthMultiplier)))
        {
            throw new ArgumentException(
                $"Search space 'mlp' needs layers ≥ 1, hidden ≥ 1, positive widths, an activation, 0 ≤ dropout < 1 and a positive width multiplier; got layers {layerCount}, " +
                $"hidden {hidden}, widths [{string.Join(", ", widths)}], activations [{string.Join(", ", activations)}], dropout {dropoutRate}, " +
                $"width multiplier {widthMultiplier}.");
        }
        int Scale(int width) => checked((int)Math.Max(1, Math.Round(width * widthMultiplier, MidpointRounding.AwayFromZero)));
        int outputs = Scale(hidden);
        flatten = nn.Flatten();
        // Identity holds no state, so a network built without the norm keeps the state dict of models saved before it existed.
        inputNorm = normalizeInputs ? nn.BatchNorm1d(inputs, affine: false) : nn.Identity();
        layers = nn.ModuleList<LayerChoice>();
        for (int i = 0; i < layerCount; i++)
        {
            long width = i == 0 ? inputs : outputs;
            var candidates = from activation in activations
                             from inner in widths
                             select KeyValuePair.Create($"{activation}_{inner}", Block(width, Scale(inner), outputs, activation));
            layers.Add(new LayerChoice(candidates.ToList(), key: $"layer{i}"));
        }
        dropout = nn.Dropout(dropoutRate);
        classifier = nn.Linear(outputs, classes);
        RegisterComponents();
        Inputs = inputs;
        Hidden = hidden;
        Classes = classes;
        NormalizesInputs = normalizeInputs;
    }

    /// <summary>Values per sample.</summary>
    internal long Inputs { get; }

    /// <summary>Output width of every layer.</summary>
    internal int Hidden { get; }

    /// <summary>Number of classes.</summary>
    internal int Classes { get; }

    /// <summary>Whether a batch norm standardizes the inputs.</summary>
    internal bool NormalizesInputs { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = inputNorm.forward(flatten.forward(input));
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
}
