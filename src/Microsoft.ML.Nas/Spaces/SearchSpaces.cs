namespace Microsoft.ML.Nas.Spaces;

/// <summary>Specs of the built-in search spaces, for the estimators' <c>SearchSpace</c> option.</summary>
public static class SearchSpaces
{
    /// <summary>
    /// The <c>mlp</c> space for plain feature vectors: <paramref name="layers"/> layers of output width
    /// <paramref name="hidden"/>, each choosing a block by hidden width and activation.
    /// </summary>
    public static SearchSpaceSpec Mlp(int layers = 2, int hidden = 128, IEnumerable<int>? widths = null, IEnumerable<string>? activations = null, double dropout = 0) =>
        MlpSpace.Spec(layers, hidden, widths, activations, dropout);
}
