namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>
/// Places the items of each column vertically, in their order and without overlap, as near as possible to the mean
/// height of their neighbours: a weighted least-squares fit under the order constraints, solved exactly by pooling
/// adjacent violators, repeated down and up the columns.
/// </summary>
internal static class ColumnPlacement
{
    private const double BoxGap = 18;
    private const double WaypointGap = 6;
    private const int Passes = 8;

    public static void Place(List<List<LayoutItem>> columns)
    {
        foreach (var column in columns)
        {
            Fit(column, column.Select(_ => 0.0).ToArray(), column.Select(_ => 1.0).ToArray());
        }
        for (int pass = 0; pass < Passes; pass++)
        {
            bool down = pass % 2 == 0;
            bool both = pass >= Passes - 2;
            var order = down ? columns : Enumerable.Reverse(columns);
            foreach (var column in order)
            {
                var links = column.Select(item => both ? item.Up.Concat(item.Down).ToList() : down ? item.Up : item.Down).ToList();
                var wanted = column.Select((item, i) => links[i].Count == 0 ? item.Y : links[i].Sum(n => n.Item.Y * n.Weight) / links[i].Sum(n => n.Weight)).ToArray();
                // Boxes and strongly linked items hold their place; waypoints of skips and joins give way around them.
                var weights = column.Select((item, i) => Math.Max(1, links[i].Sum(n => n.Weight)) * (item.IsWaypoint ? 1 : 3)).ToArray();
                Fit(column, wanted, weights);
            }
        }
    }

    /// <summary>Sets Y as close to <paramref name="wanted"/> (weighted) as the order and the gaps between items allow.</summary>
    private static void Fit(List<LayoutItem> column, double[] wanted, double[] weights)
    {
        // With y_i = z_i + offset_i (offset_i: the least distance from the first item), the gaps hold exactly when
        // z is non-decreasing: a weighted isotonic regression of wanted − offset, by pooling adjacent violators.
        var offsets = new double[column.Count];
        for (int i = 1; i < column.Count; i++)
        {
            var (above, below) = (column[i - 1], column[i]);
            double gap = above.IsWaypoint || below.IsWaypoint ? WaypointGap : BoxGap;
            offsets[i] = offsets[i - 1] + (above.Height + below.Height) / 2 + gap;
        }
        var blocks = new List<(double Sum, double Weight, int Count)>();
        for (int i = 0; i < column.Count; i++)
        {
            blocks.Add(((wanted[i] - offsets[i]) * weights[i], weights[i], 1));
            while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Weight > blocks[^1].Sum / blocks[^1].Weight)
            {
                var merged = (blocks[^2].Sum + blocks[^1].Sum, blocks[^2].Weight + blocks[^1].Weight, blocks[^2].Count + blocks[^1].Count);
                blocks.RemoveRange(blocks.Count - 2, 2);
                blocks.Add(merged);
            }
        }
        int index = 0;
        foreach (var (sum, weight, count) in blocks)
        {
            for (int k = 0; k < count; k++, index++)
            {
                column[index].Y = sum / weight + offsets[index];
            }
        }
    }
}
