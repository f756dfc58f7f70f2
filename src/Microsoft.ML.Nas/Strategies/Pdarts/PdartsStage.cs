namespace Microsoft.ML.Nas.Strategies.Pdarts;

/// <summary>
/// One stage of a P-DARTS search (<see cref="PdartsTrainerOptions.Stages"/>): how deep its supernet is, how many of each
/// edge's candidates are dropped after it, and the dropout on skip connections while it searches.
/// </summary>
public sealed class PdartsStage
{
    /// <summary>
    /// The stage's depth as a multiple of the initial depth, rounded (half away from zero) and never below it: NNI's
    /// 5 → 11 → 17 cells are the ratios 1, 2.2 and 3.4. Default 1. <see cref="AddedLayers"/>, when set, replaces it.
    /// </summary>
    public double DepthRatio { get; set; } = 1;

    /// <summary>
    /// Layers added to the initial depth (NNI's <c>pdarts_num_layers</c>: 0, 6 and 12 on 5 cells); null (default) to
    /// scale the depth by <see cref="DepthRatio"/> instead.
    /// </summary>
    public int? AddedLayers { get; set; }

    /// <summary>
    /// How many of each LayerChoice's remaining candidates are dropped after this stage, those with the lowest alphas
    /// (DARTS's implicit "none" is never dropped): NNI's 3, 2 and 1 take its 7 ops to 4, 2 and 1. After the last stage
    /// the drop changes nothing: the export takes each edge's strongest op, which dropping the weakest never removes,
    /// and the skip limit falls back on the last stage's ops (the authors' code). Default 0.
    /// </summary>
    public int OpsToDrop { get; set; }

    /// <summary>
    /// The dropout rate on skip connections at the start of this stage (P-DARTS's search regularization; it decays over
    /// the stage's epochs: <see cref="PdartsTrainerOptions.SkipDropoutAt"/>). Default 0.
    /// </summary>
    public double SkipDropout { get; set; }

    /// <summary>The depth of this stage's supernet when the space's is <paramref name="initialLayers"/>.</summary>
    public int LayersFrom(int initialLayers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialLayers);
        if (AddedLayers is { } added)
        {
            return checked(initialLayers + added);
        }
        double scaled = Math.Round(initialLayers * DepthRatio, MidpointRounding.AwayFromZero);
        return scaled < int.MaxValue ? Math.Max(initialLayers, (int)scaled)
            : throw new ArgumentOutOfRangeException(nameof(initialLayers), initialLayers, $"{initialLayers} layers × {nameof(DepthRatio)} {DepthRatio} do not fit an integer.");
    }

    /// <summary>Checks the stage; names in messages start with <paramref name="path"/> (e.g. <c>Search.Stages[1].</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is its path.</exception>
    public void Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        OptionCheck.Require(DepthRatio >= 1 && double.IsFinite(DepthRatio), path + nameof(DepthRatio), DepthRatio, "a finite number of at least 1");
        OptionCheck.Require(AddedLayers is null or >= 0, path + nameof(AddedLayers), AddedLayers, "null (scale by DepthRatio) or at least 0");
        OptionCheck.Require(OpsToDrop >= 0, path + nameof(OpsToDrop), OpsToDrop, "at least 0");
        OptionCheck.Fraction(SkipDropout, path + nameof(SkipDropout));
    }
}
