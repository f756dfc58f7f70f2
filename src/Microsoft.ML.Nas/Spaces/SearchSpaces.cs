using Microsoft.ML.Nas.Spaces.Darts;

namespace Microsoft.ML.Nas.Spaces;

/// <summary>The built-in search spaces, as specs ready to search (input shape and classes come from the data).</summary>
public static class SearchSpaces
{
    /// <summary>
    /// DARTS cells (REFERENCE §4): <paramref name="layers"/> cells of <paramref name="nodes"/> nodes over the seven DARTS
    /// ops, reductions at layers/3 and 2·layers/3, a stem of <paramref name="stemMultiplier"/>·<paramref name="channels"/>.
    /// </summary>
    public static SearchSpaceSpec DartsCells(int channels, int layers, int nodes = 4, int stemMultiplier = 3, bool auxiliary = false) =>
        new(DartsCellSpace.Kind, new Dictionary<string, object>
        {
            ["channels"] = channels, ["layers"] = layers, ["nodes"] = nodes, ["stemMultiplier"] = stemMultiplier, ["auxiliary"] = auxiliary,
        });

    /// <summary>
    /// The <c>mlp</c> space for plain feature vectors: <paramref name="layers"/> layers of output width
    /// <paramref name="hidden"/>, each choosing a block by hidden width and activation.
    /// </summary>
    public static SearchSpaceSpec Mlp(int layers = 2, int hidden = 128, IEnumerable<int>? widths = null, IEnumerable<string>? activations = null, double dropout = 0) =>
        MlpSpace.Spec(layers, hidden, widths, activations, dropout);
}
