namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>An arrow of an architecture picture, optionally labelled with the operation it applies.</summary>
/// <param name="From">The id of the node it leaves.</param>
/// <param name="To">The id of the node it enters.</param>
/// <param name="Label">The text on the arrow (an op name), or null.</param>
/// <param name="Style">How it is drawn.</param>
internal sealed record GraphEdge(string From, string To, string? Label = null, EdgeStyle Style = EdgeStyle.Solid);
