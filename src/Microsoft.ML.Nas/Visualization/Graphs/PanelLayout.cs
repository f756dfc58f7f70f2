namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>A box placed by <see cref="LayeredLayout"/>: its top-left corner and size.</summary>
internal sealed record PlacedNode(GraphNode Node, double X, double Y, double Width, double Height);

/// <summary>An arrow routed by <see cref="LayeredLayout"/>: the points it passes (first on its source, last on its target) and its label's box.</summary>
internal sealed record RoutedEdge(GraphEdge Edge, IReadOnlyList<(double X, double Y)> Points, (double X, double Y, double Width, double Height)? Label);

/// <summary>A panel after layout, in its own coordinates from (0, 0) to (<see cref="Width"/>, <see cref="Height"/>).</summary>
internal sealed record PanelLayout(GraphPanel Panel, IReadOnlyList<PlacedNode> Nodes, IReadOnlyList<RoutedEdge> Edges, double Width, double Height);
