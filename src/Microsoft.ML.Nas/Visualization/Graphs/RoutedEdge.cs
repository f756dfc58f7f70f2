namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>An arrow routed by <see cref="LayeredLayout"/>: the points it passes (first on its source, last on its target) and its label's box.</summary>
internal sealed record RoutedEdge(GraphEdge Edge, IReadOnlyList<(double X, double Y)> Points, (double X, double Y, double Width, double Height)? Label);
