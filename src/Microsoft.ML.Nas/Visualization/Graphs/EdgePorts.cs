namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>
/// Spreads the ends of the arrows that leave or enter one box over its side, in the order of where they go or come
/// from, so parallel arrows (two branches from one input) stay apart and do not cross at the box.
/// </summary>
internal static class EdgePorts
{
    /// <summary>Per arrow, the vertical offsets from its source's and its target's centres.</summary>
    public static (double Out, double In)[] Assign(IReadOnlyList<GraphEdge> edges, IReadOnlyList<List<LayoutItem>> chains)
    {
        var ports = new (double Out, double In)[edges.Count];
        foreach (var group in Enumerable.Range(0, edges.Count).GroupBy(e => chains[e][0]))
        {
            var spread = Spread(group.OrderBy(e => chains[e][1].Y).ThenBy(e => e).ToList(), group.Key.Height);
            foreach (var (edge, offset) in spread)
            {
                ports[edge].Out = offset;
            }
        }
        foreach (var group in Enumerable.Range(0, edges.Count).GroupBy(e => chains[e][^1]))
        {
            var spread = Spread(group.OrderBy(e => chains[e][^2].Y).ThenBy(e => e).ToList(), group.Key.Height);
            foreach (var (edge, offset) in spread)
            {
                ports[edge].In = offset;
            }
        }
        return ports;
    }

    private static IEnumerable<(int Edge, double Offset)> Spread(List<int> edges, double height)
    {
        // Over the middle 60% of the side, at most 7 px apart.
        double step = edges.Count < 2 ? 0 : Math.Min(7, height * 0.6 / (edges.Count - 1));
        return edges.Select((edge, i) => (edge, (i - (edges.Count - 1) / 2.0) * step));
    }
}
