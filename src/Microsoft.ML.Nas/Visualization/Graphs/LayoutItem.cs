namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>
/// One thing the layered layout places in a column: a box, or a waypoint of an arrow that crosses a column (the
/// first waypoint of a labelled arrow carries the label, so labels get room like boxes do and never overlap).
/// </summary>
internal sealed class LayoutItem(GraphNode? node, int rank, double width, double height, string? label = null)
{
    public GraphNode? Node { get; } = node;

    public string? Label { get; } = label;

    public int Rank { get; } = rank;

    public double Width { get; } = width;

    public double Height { get; } = height;

    /// <summary>Items in the previous column linked to this one, with the weight of the arrow that links them.</summary>
    public List<(LayoutItem Item, double Weight)> Up { get; } = [];

    /// <summary>Items in the next column linked to this one, with the weight of the arrow that links them.</summary>
    public List<(LayoutItem Item, double Weight)> Down { get; } = [];

    /// <summary>The position within the column (0 at the top), while ordering.</summary>
    public double Order { get; set; }

    /// <summary>The left edge of the item.</summary>
    public double X { get; set; }

    /// <summary>The vertical centre of the item.</summary>
    public double Y { get; set; }

    public bool IsWaypoint => Node is null;
}
