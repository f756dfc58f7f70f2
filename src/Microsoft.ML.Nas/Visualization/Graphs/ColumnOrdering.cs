namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>
/// Orders the items of each column to reduce arrow crossings: sweeps that sort each column by the mean position of its
/// neighbours in the column before (downwards) or after (upwards), keeping the best order seen.
/// </summary>
internal static class ColumnOrdering
{
    private const int Sweeps = 8;

    public static void Order(List<List<LayoutItem>> columns)
    {
        Number(columns);
        var best = Snapshot(columns);
        int fewest = Crossings(columns);
        for (int sweep = 0; sweep < Sweeps && fewest > 0; sweep++)
        {
            bool down = sweep % 2 == 0;
            for (int c = down ? 1 : columns.Count - 2; down ? c < columns.Count : c >= 0; c += down ? 1 : -1)
            {
                // A stable sort on the barycentre: items with no neighbour on that side keep their place.
                var sorted = columns[c]
                    .Select(item => (item, key: Barycenter(down ? item.Up : item.Down, item.Order)))
                    .OrderBy(p => p.key).Select(p => p.item).ToList();
                columns[c].Clear();
                columns[c].AddRange(sorted);
                Number(columns[c]);
            }
            int crossings = Crossings(columns);
            if (crossings < fewest)
            {
                fewest = crossings;
                best = Snapshot(columns);
            }
        }
        for (int c = 0; c < columns.Count; c++)
        {
            columns[c].Clear();
            columns[c].AddRange(best[c]);
            Number(columns[c]);
        }
    }

    /// <summary>The arrow crossings between neighbouring columns.</summary>
    public static int Crossings(List<List<LayoutItem>> columns)
    {
        int count = 0;
        foreach (var column in columns)
        {
            var links = column.SelectMany(item => item.Down.Select(next => (From: item.Order, To: next.Item.Order))).ToList();
            for (int i = 0; i < links.Count; i++)
            {
                for (int j = i + 1; j < links.Count; j++)
                {
                    count += (links[i].From - links[j].From) * (links[i].To - links[j].To) < 0 ? 1 : 0;
                }
            }
        }
        return count;
    }

    private static double Barycenter(List<(LayoutItem Item, double Weight)> neighbours, double fallback) =>
        neighbours.Count == 0 ? fallback : neighbours.Sum(n => n.Item.Order * n.Weight) / neighbours.Sum(n => n.Weight);

    private static void Number(List<List<LayoutItem>> columns) => columns.ForEach(Number);

    private static void Number(List<LayoutItem> column)
    {
        for (int i = 0; i < column.Count; i++)
        {
            column[i].Order = i;
        }
    }

    private static List<List<LayoutItem>> Snapshot(List<List<LayoutItem>> columns) => columns.Select(c => c.ToList()).ToList();
}
