namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>A box placed by <see cref="LayeredLayout"/>: its top-left corner and size.</summary>
internal sealed record PlacedNode(GraphNode Node, double X, double Y, double Width, double Height);
