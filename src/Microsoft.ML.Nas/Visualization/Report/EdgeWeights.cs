namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>One DARTS edge (a LayerChoice key) in the report: its architecture weights per epoch and what the export kept.</summary>
/// <param name="Key">The LayerChoice key, e.g. <c>normal_n3_p1</c>.</param>
/// <param name="Group">The cell it belongs to ("Normal cell", "Reduction cell"), or "Choices" for other keys.</param>
/// <param name="Label">How the report names it: "1 ← c_{k-1}" (node ← input) for DARTS keys, else the key.</param>
/// <param name="Ops">The candidates' names, "none" last when the weights include DARTS's implicit zero op.</param>
/// <param name="PerEpoch">PerEpoch[epoch][op]: softmax of the alphas at the epoch's end (NaN where not recorded).</param>
/// <param name="Kept">Whether the exported architecture kept the edge (its node's switch chose it).</param>
/// <param name="Chosen">The op the export chose on the edge, or −1.</param>
internal sealed record EdgeWeights(string Key, string Group, string Label, IReadOnlyList<string> Ops, IReadOnlyList<double[]> PerEpoch, bool Kept, int Chosen)
{
    /// <summary>The strongest real op (not "none") at <paramref name="epoch"/>, as DARTS's export ranks them.</summary>
    public int Best(int epoch)
    {
        var weights = PerEpoch[epoch];
        int count = Ops.Count > 0 && Ops[^1] == "none" ? Ops.Count - 1 : Ops.Count;
        int best = 0;
        for (int i = 1; i < count; i++)
        {
            best = weights[i] > weights[best] ? i : best;
        }
        return best;
    }
}
