using Microsoft.ML.Nas.Spaces.Darts;
using Microsoft.ML.Nas.Spaces.Enas;
using Microsoft.ML.Nas.Spaces.Mlp;

namespace Microsoft.ML.Nas.Spaces;

/// <summary>
/// Specs of the built-in search spaces, ready to pass to a trainer or <see cref="SearchSpaceRegistry.Build"/>. Input
/// channels, image size and classes come from the data (<see cref="SpaceContext"/>).
/// </summary>
public static class SearchSpaces
{
    /// <summary>The kind of <see cref="DartsCells"/> specs.</summary>
    public const string DartsCellsKind = "darts-cells";

    /// <summary>The kind of <see cref="EnasMacro"/> specs.</summary>
    public const string EnasMacroKind = "enas-macro";

    /// <summary>The kind of <see cref="EnasMicro"/> specs.</summary>
    public const string EnasMicroKind = "enas-micro";

    /// <summary>The kind of <see cref="Mlp"/> specs.</summary>
    public const string MlpKind = "mlp";

    /// <summary>
    /// DARTS cells (NNI v1.9 `darts/` and the DARTS paper, arXiv 1806.09055): <paramref name="layers"/> cells of <paramref name="nodes"/> nodes over the seven DARTS
    /// ops, reductions at layers/3 and 2·layers/3, a stem of <paramref name="stemMultiplier"/>·<paramref name="channels"/>.
    /// </summary>
    public static SearchSpaceSpec DartsCells(int channels, int layers, int nodes = DartsCellSpace.DefaultNodes, int stemMultiplier = DartsCellSpace.DefaultStemMultiplier, bool auxiliary = false) =>
        new(DartsCellsKind, new Dictionary<string, object>
        {
            ["channels"] = channels, ["layers"] = layers, ["nodes"] = nodes, ["stemMultiplier"] = stemMultiplier, ["auxiliary"] = auxiliary,
        });

    /// <summary>
    /// The ENAS macro space (<see cref="EnasMacroNetwork"/>): per layer a six-way op choice and a choice of skip
    /// connections from earlier layers; NNI's defaults are 12 layers of 24 filters.
    /// </summary>
    /// <param name="layers">Number of layers.</param>
    /// <param name="filters">Channels of the layers before the first reduction (even).</param>
    /// <param name="dropout">Dropout rate before the classifier.</param>
    /// <param name="growth">
    /// What each of the two reductions multiplies the channels by, 1 to 4: NNI's 1 keeps one channel count throughout;
    /// 2 doubles them where the size halves, as most hand-designed CNNs do. The spec records it only when it is not 1.
    /// </param>
    /// <param name="sharedReductions">
    /// False (default): every earlier layer's output has its own factorized reduction at each reduction point, as in the
    /// ENAS paper's code (the spec records <c>reductions=per-input</c>). True: NNI's example's layout, one shared by all
    /// of them, whose batch norm mixes their statistics, so the trained network loses accuracy in evaluation mode
    /// (<see cref="EnasMacroNetwork"/>); a spec without the parameter, as saved models from before it have, means this.
    /// </param>
    public static SearchSpaceSpec EnasMacro(int layers = EnasMacroSpace.DefaultLayers, int filters = EnasMacroSpace.DefaultFilters, double dropout = 0,
        int growth = EnasMacroSpace.DefaultGrowth, bool sharedReductions = false)
    {
        var parameters = new Dictionary<string, object> { ["layers"] = layers, ["filters"] = filters, ["dropout"] = dropout };
        if (!sharedReductions)
        {
            parameters["reductions"] = EnasMacroSpace.PerInputReductions;
        }
        if (growth != EnasMacroSpace.DefaultGrowth)
        {
            // Models saved before growth existed carry no such parameter; a spec equal to theirs keeps loading them.
            parameters["growth"] = growth;
        }
        return new(EnasMacroKind, parameters);
    }

    /// <summary>
    /// The ENAS micro space (<see cref="EnasMicroNetwork"/>): cells of nodes, each the sum of two branches that choose an
    /// input and one of five ops; defaults are NNI's search settings (6 layers, 5 nodes, 20 channels, dropout 0.1,
    /// auxiliary head). ENAS picks NNI's micro-space controller settings for it unless its options name others.
    /// </summary>
    /// <param name="layers">Layers L; the network has L + 2 cells, two of them after reductions.</param>
    /// <param name="nodes">Nodes per cell.</param>
    /// <param name="channels">Channels of the first cells.</param>
    /// <param name="auxiliary">Whether the network has an auxiliary head.</param>
    /// <param name="dropout">Dropout rate before the classifier.</param>
    public static SearchSpaceSpec EnasMicro(int layers = EnasMicroSpace.DefaultLayers, int nodes = EnasMicroSpace.DefaultNodes, int channels = EnasMicroSpace.DefaultChannels,
        bool auxiliary = EnasMicroSpace.DefaultAuxiliary, double dropout = EnasMicroSpace.DefaultDropout) =>
        new(EnasMicroKind, new Dictionary<string, object>
        {
            ["layers"] = layers, ["nodes"] = nodes, ["channels"] = channels, ["auxiliary"] = auxiliary, ["dropout"] = dropout,
        });

    /// <summary>
    /// The <c>mlp</c> space for plain feature vectors: <paramref name="layers"/> layers of output width
    /// <paramref name="hidden"/>, each choosing a block by hidden width and activation.
    /// </summary>
    /// <param name="layers">Number of searched layers.</param>
    /// <param name="hidden">Output width of every layer.</param>
    /// <param name="widths">Hidden widths a block may use inside; null for 64 and 256.</param>
    /// <param name="activations">Activations a block may use (relu, tanh, gelu, sigmoid, elu); null for relu and tanh.</param>
    /// <param name="dropout">Dropout rate before the classifier.</param>
    /// <param name="normalizeInputs">
    /// Whether a batch norm standardizes the inputs first (default): features are fed as the data holds them, and
    /// without it values in the hundreds (raw pixel levels, counts) train nothing. False builds the network of models
    /// saved before the option existed.
    /// </param>
    public static SearchSpaceSpec Mlp(int layers = MlpSpace.DefaultLayers, int hidden = MlpSpace.DefaultHidden, IEnumerable<int>? widths = null, IEnumerable<string>? activations = null, double dropout = 0,
        bool normalizeInputs = true) =>
        MlpSpace.Spec(layers, hidden, widths, activations, dropout, normalizeInputs);
}
