using System.Text;
using Microsoft.ML.Nas.Visualization.Charts;
using Microsoft.ML.Nas.Visualization.Pictures;
using static Microsoft.ML.Nas.Visualization.SvgFormat;

namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>
/// The report's DARTS part: per cell, the softmax of every edge's alphas over the epochs and their final distribution
/// (the exported op outlined), how many edges changed their best op each epoch, and the skip-connection count that
/// shows DARTS's known collapse.
/// </summary>
internal static class DartsSection
{
    public static string Html(ReportInput input, ChosenCandidates chosen)
    {
        var search = input.Search;
        var edges = DartsWeights.Read(search, chosen);
        var html = new StringBuilder();
        html.Append("<section id=\"darts\"><h2>DARTS architecture weights</h2>");
        var (summary, warning) = Summary(edges, chosen);
        html.Append("<p>").Append(Escape(summary)).Append("</p>");
        if (warning is not null)
        {
            html.Append("<p class=\"warning\">").Append(Escape(warning)).Append("</p>");
        }
        foreach (var group in edges.GroupBy(e => e.Group))
        {
            var cell = group.ToList();
            html.Append($"<h3>{Escape(group.Key)}</h3>");
            html.Append("<figure class=\"wide\">").Append(WeightHistoryGrid.Svg($"{group.Key}: weights over {search.Count} epochs", cell))
                .Append("<figcaption>Each small map is one edge: a row per op, a column per epoch; darker is more weight (full colour at three ")
                .Append("times the uniform weight). Kept edges are titled in bold, the exported op marked ◀.</figcaption></figure>");
            html.Append("<figure>").Append(Heatmap.Svg(FinalDistribution($"{group.Key}: final weights", cell))).Append("</figure>");
        }
        if (search.Count > 1)
        {
            var changes = Enumerable.Range(0, search.Count)
                .Select(e => e == 0 ? double.NaN : edges.Count(edge => edge.Best(e) != edge.Best(e - 1))).ToArray();
            html.Append("<figure>").Append(LineChart.Svg("Edges whose best op changed",
                [new ChartSeries("edges", changes, "#c62828")], include: 0)).Append("</figure>");
        }
        return html.Append("</section>").ToString();
    }

    private static HeatmapData FinalDistribution(string title, IReadOnlyList<EdgeWeights> cell)
    {
        var ops = cell[0].Ops;
        var values = cell.Select(e => (IReadOnlyList<double>)(e.PerEpoch.Count == 0 ? ops.Select(_ => double.NaN).ToArray() : e.PerEpoch[^1])).ToList();
        var marked = cell.Select((e, row) => (e, row)).Where(p => p.e.Chosen >= 0).Select(p => (p.row, p.e.Chosen)).ToHashSet();
        var dimmed = cell.Select((e, row) => (e, row)).Where(p => !p.e.Kept).Select(p => p.row).ToHashSet();
        return new HeatmapData(title, cell.Select(e => e.Label).ToList(), ops, values, marked, dimmed);
    }

    private static (string Summary, string? Warning) Summary(IReadOnlyList<EdgeWeights> edges, ChosenCandidates chosen)
    {
        var parts = new List<string>();
        string? warning = null;
        int epochs = edges.Select(e => e.PerEpoch.Count).DefaultIfEmpty(0).Max();
        if (epochs == 0)
        {
            return ("The history holds no architecture weights.", null);
        }
        var kept = edges.Where(e => e.Kept && e.Chosen >= 0).ToList();
        if (kept.Count > 0)
        {
            double mean = kept.Average(e => e.PerEpoch[^1][e.Chosen]);
            parts.Add($"The exported ops hold {Value(mean)} of their edges' weight on average (uniform: {Value(1.0 / kept[0].Ops.Count)}).");
        }
        int settled = epochs;
        while (settled > 1 && edges.All(e => e.Best(settled - 2) == e.Best(epochs - 1)))
        {
            settled--;
        }
        parts.Add(settled == epochs && epochs > 1 ? "Some edge's best op still changed in the last epoch: the search had not settled."
            : $"Every edge's best op stayed the same from epoch {settled} of {epochs} on.");
        if (chosen.Has("normal_n2_switch"))
        {
            var (skips, total) = DartsCellPicture.SkipConnections(chosen, "normal");
            // P-DARTS keeps at most two skip connections in a normal cell; more is the collapse DARTS is known for.
            parts.Add($"{skips} of the normal cell's {total} kept edges are skip connections.");
            if (skips > 2)
            {
                warning = $"{skips} skip connections in the normal cell: the collapse DARTS is known for (a cell that learns little). Consider fewer search epochs or an early stop.";
            }
        }
        return (string.Join(" ", parts), warning);
    }
}
