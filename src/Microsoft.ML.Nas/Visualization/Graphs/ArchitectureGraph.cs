namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>
/// A picture of an architecture, before layout: a title, a line saying what it shows, and one or more panels (the
/// normal and reduction cells of DARTS, the layer chain of ENAS macro). Writers turn it into SVG or DOT.
/// </summary>
internal sealed class ArchitectureGraph(string title, string caption, IReadOnlyList<GraphPanel> panels)
{
    /// <summary>The heading, e.g. "DARTS cells".</summary>
    public string Title { get; } = title;

    /// <summary>One line under the heading: what is drawn and how to read it.</summary>
    public string Caption { get; } = caption;

    /// <summary>The panels, drawn one under the other.</summary>
    public IReadOnlyList<GraphPanel> Panels { get; } = panels;

    /// <summary>The number of boxes over all panels.</summary>
    public int NodeCount => Panels.Sum(p => p.Nodes.Count);

    /// <summary>The number of arrows over all panels.</summary>
    public int EdgeCount => Panels.Sum(p => p.Edges.Count);
}
