namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>A box of an architecture picture: an id unique in its panel, its text lines (the first in bold) and its kind.</summary>
/// <param name="Id">The id edges refer to.</param>
/// <param name="Lines">The text, one entry per line; the first is the title.</param>
/// <param name="Kind">What the box stands for.</param>
/// <param name="Rank">The column to place the box in, or null to place it after everything that feeds it.</param>
internal sealed record GraphNode(string Id, IReadOnlyList<string> Lines, NodeKind Kind, int? Rank = null);
