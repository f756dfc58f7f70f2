namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>
/// Places the items of each column vertically, in their order and without overlap, as near as possible to the mean
/// height of their neighbours: a least-squares fit under the order constraints, solved exactly by pooling adjacent
/// violators, repeated down and up the columns.
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
            Fit(column, column.Select(_ => 0.0).ToArray());
        }
        for (int pass = 0; pass < Passes; pass++)
        {
            bool down = pass % 2 == 0;
            bool both = pass >= Passes - 2;
            var order = down ? columns : Enumerable.Reverse(columns);
            foreach (var column in order)
            {
                var wanted = column.Select(item =>
                {
                    var neighbours = both ? item.Up.Concat(item.Down).ToList() : down ? item.Up : item.Down;
                    return neighbours.Count == 0 ? item.Y : neighbours.Sum(n => n.Item.Y * n.Weight) / neighbours.Sum(n => n.Weight);
                }).ToArray();
                Fit(column, wanted);
            }
        }
    }

    /// <summary>Sets Y as close to <paramref name="wanted"/> as the order and the gaps between items allow.</summary>
    private static void Fit(List<LayoutItem> column, double[] wanted)
    {
        // With y_i = z_i + offset_i (offset_i: the least distance from the first item), the gaps hold exactly when
        // z is non-decreasing: an isotonic regression of wanted − offset.
        var offsets = new double[column.Count];
        for (int i = 1; i < column.Count; i++)
        {
            var (above, below) = (column[i - 1], column[i]);
            double gap = above.IsWaypoint || below.IsWaypoint ? WaypointGap : BoxGap;
            offsets[i] = offsets[i - 1] + (above.Height + below.Height) / 2 + gap;
        }
        var blocks = new List<(double Sum, int Count)>();
        for (int i = 0; i < column.Count; i++)
        {
            blocks.Add((wanted[i] - offsets[i], 1));
            while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Count > blocks[^1].Sum / blocks[^1].Count)
            {
                var merged = (blocks[^2].Sum + blocks[^1].Sum, blocks[^2].Count + blocks[^1].Count);
                blocks.RemoveRange(blocks.Count - 2, 2);
                blocks.Add(merged);
            }
        }
        int index = 0;
        foreach (var (sum, count) in blocks)
        {
            for (int k = 0; k < count; k++, index++)
            {
                column[index].Y = sum / count + offsets[index];
            }
        }
    }
}
