namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>A panel after layout, in its own coordinates from (0, 0) to (<see cref="Width"/>, <see cref="Height"/>).</summary>
internal sealed record PanelLayout(GraphPanel Panel, IReadOnlyList<PlacedNode> Nodes, IReadOnlyList<RoutedEdge> Edges, double Width, double Height);
