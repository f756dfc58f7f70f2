namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>One connected picture of an architecture drawing (a cell, a layer chain) with its title.</summary>
internal sealed class GraphPanel(string title)
{
    private readonly List<GraphNode> nodes = [];
    private readonly List<GraphEdge> edges = [];
    private readonly HashSet<string> ids = new(StringComparer.Ordinal);

    /// <summary>The heading drawn above the panel.</summary>
    public string Title { get; } = title;

    /// <summary>The boxes, in the order they were added (the layout starts from this order).</summary>
    public IReadOnlyList<GraphNode> Nodes => nodes;

    /// <summary>The arrows, in the order they were added.</summary>
    public IReadOnlyList<GraphEdge> Edges => edges;

    /// <summary>Adds a box, placed after everything that feeds it.</summary>
    /// <exception cref="ArgumentException">A box with the same id exists.</exception>
    public void Add(string id, NodeKind kind, params string[] lines) => Add(new GraphNode(id, lines, kind));

    /// <summary>Adds a box in column <paramref name="column"/> (0 is the first).</summary>
    /// <exception cref="ArgumentException">A box with the same id exists.</exception>
    public void AddInColumn(string id, int column, NodeKind kind, params string[] lines) => Add(new GraphNode(id, lines, kind, column));

    /// <summary>Whether a box has <paramref name="id"/>.</summary>
    public bool Contains(string id) => ids.Contains(id);

    /// <summary>Adds an arrow between two boxes added before.</summary>
    /// <exception cref="ArgumentException">An end names no box.</exception>
    public void Connect(string from, string to, string? label = null, EdgeStyle style = EdgeStyle.Solid)
    {
        foreach (var end in new[] { from, to })
        {
            if (!ids.Contains(end))
            {
                throw new ArgumentException($"The picture '{Title}' has no node '{end}' to connect.", nameof(from));
            }
        }
        edges.Add(new GraphEdge(from, to, label, style));
    }

    private void Add(GraphNode node)
    {
        if (!ids.Add(node.Id))
        {
            throw new ArgumentException($"The picture '{Title}' already has a node '{node.Id}'.", nameof(node));
        }
        nodes.Add(node);
    }
}
