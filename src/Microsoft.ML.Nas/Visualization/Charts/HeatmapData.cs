namespace Microsoft.ML.Nas.Visualization.Charts;

/// <summary>What a <see cref="Heatmap"/> shows: a value in [0, 1] per row and column, some cells marked, some rows dimmed.</summary>
/// <param name="Title">The heading.</param>
/// <param name="Rows">The row labels.</param>
/// <param name="Columns">The column labels.</param>
/// <param name="Values">Values[row][column], in [0, 1].</param>
/// <param name="Marked">Cells outlined as chosen: (row, column) pairs.</param>
/// <param name="DimmedRows">Rows drawn faded (DARTS: edges their node's switch dropped).</param>
internal sealed record HeatmapData(
    string Title, IReadOnlyList<string> Rows, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<double>> Values,
    IReadOnlySet<(int Row, int Column)> Marked, IReadOnlySet<int> DimmedRows);
