namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>
/// A small layered (Sugiyama-style) layout, left to right, enough for architecture pictures: boxes go in columns by
/// rank (given, or one past everything that feeds them); an arrow that spans columns gets a waypoint in each column
/// it crosses, the first one holding its label; columns are ordered to reduce crossings (<see cref="ColumnOrdering"/>)
/// and placed vertically near their neighbours (<see cref="ColumnPlacement"/>).
/// </summary>
internal static class LayeredLayout
{
    private const double ColumnGap = 22;
    private const double Margin = 12;

    /// <summary>Places the boxes and routes the arrows of <paramref name="panel"/>.</summary>
    public static PanelLayout Place(GraphPanel panel)
    {
        var ranks = Ranks(panel);
        var items = new Dictionary<string, LayoutItem>(StringComparer.Ordinal);
        foreach (var node in panel.Nodes)
        {
            var (width, height) = GraphStyle.Measure(node);
            // Boxes sit in even columns, so every arrow crosses at least one odd column, where its label goes.
            items[node.Id] = new LayoutItem(node, 2 * ranks[node.Id], width, height);
        }
        var chains = panel.Edges.Select(edge => Chain(edge, items[edge.From], items[edge.To])).ToList();
        var columns = items.Values.Concat(chains.SelectMany(c => c.Skip(1).SkipLast(1)))
            .GroupBy(i => i.Rank).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
        ColumnOrdering.Order(columns);
        PlaceColumns(columns);
        ColumnPlacement.Place(columns);
        return Finish(panel, items, chains, columns);
    }

    private static Dictionary<string, int> Ranks(GraphPanel panel)
    {
        var ranks = panel.Nodes.ToDictionary(n => n.Id, n => n.Rank ?? 0, StringComparer.Ordinal);
        var fixedRank = panel.Nodes.Where(n => n.Rank is not null).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        // Longest path by relaxation; bounded, so a cycle cannot loop forever (its arrows are then drawn backwards).
        for (int pass = 0; pass < panel.Nodes.Count; pass++)
        {
            bool changed = false;
            foreach (var edge in panel.Edges.Where(e => !fixedRank.Contains(e.To) && ranks[e.To] <= ranks[e.From]))
            {
                ranks[edge.To] = ranks[edge.From] + 1;
                changed = true;
            }
            if (!changed)
            {
                break;
            }
        }
        return ranks;
    }

    private static List<LayoutItem> Chain(GraphEdge edge, LayoutItem from, LayoutItem to)
    {
        var chain = new List<LayoutItem> { from };
        for (int rank = from.Rank + 1; rank < to.Rank; rank++)
        {
            var (width, height) = rank == from.Rank + 1 && edge.Label is { } label ? GraphStyle.MeasureLabel(label) : (0, 8);
            chain.Add(new LayoutItem(null, rank, width, height, rank == from.Rank + 1 ? edge.Label : null));
        }
        chain.Add(to);
        // Data-flow arrows pull their ends into line harder than skips and joins do, so a chain of layers stays straight.
        double weight = edge.Style == EdgeStyle.Solid ? 4 : 1;
        for (int i = 1; i < chain.Count; i++)
        {
            if (chain[i].Rank == chain[i - 1].Rank + 1)
            {
                chain[i - 1].Down.Add((chain[i], weight));
                chain[i].Up.Add((chain[i - 1], weight));
            }
        }
        return chain;
    }

    private static void PlaceColumns(List<List<LayoutItem>> columns)
    {
        double x = Margin;
        int previousRank = -1;
        foreach (var column in columns)
        {
            // An empty odd column (no arrow crosses it) still keeps the gap between two box columns.
            x += (column[0].Rank - previousRank - 1) * ColumnGap;
            double width = column.Max(i => i.Width);
            foreach (var item in column)
            {
                item.X = x + (width - item.Width) / 2;
            }
            x += width + ColumnGap;
            previousRank = column[0].Rank;
        }
    }

    private static PanelLayout Finish(GraphPanel panel, Dictionary<string, LayoutItem> items, List<List<LayoutItem>> chains, List<List<LayoutItem>> columns)
    {
        var all = columns.SelectMany(c => c).ToList();
        double top = all.Min(i => i.Y - i.Height / 2) - Margin;
        double bottom = all.Max(i => i.Y + i.Height / 2) + Margin;
        double right = all.Max(i => i.X + i.Width) + Margin;
        var nodes = panel.Nodes.Select(n => items[n.Id])
            .Select(i => new PlacedNode(i.Node!, i.X, i.Y - i.Height / 2 - top, i.Width, i.Height)).ToList();
        var ports = EdgePorts.Assign(panel.Edges, chains);
        var edges = new List<RoutedEdge>();
        for (int e = 0; e < chains.Count; e++)
        {
            var chain = chains[e];
            var points = new List<(double X, double Y)> { (chain[0].X + chain[0].Width, chain[0].Y + ports[e].Out - top) };
            (double, double, double, double)? labelBox = null;
            foreach (var waypoint in chain.Skip(1).SkipLast(1))
            {
                points.Add((waypoint.X, waypoint.Y - top));
                if (waypoint.Width > 0)
                {
                    points.Add((waypoint.X + waypoint.Width, waypoint.Y - top));
                }
                if (waypoint.Label is not null)
                {
                    labelBox = (waypoint.X, waypoint.Y - waypoint.Height / 2 - top, waypoint.Width, waypoint.Height);
                }
            }
            var target = chain[^1];
            points.Add((target.X, target.Y + ports[e].In - top));
            edges.Add(new RoutedEdge(panel.Edges[e], points, labelBox));
        }
        return new PanelLayout(panel, nodes, edges, right, bottom - top);
    }
}
