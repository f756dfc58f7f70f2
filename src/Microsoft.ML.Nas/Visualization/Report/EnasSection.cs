using System.Text;
using Microsoft.ML.Nas.Visualization.Charts;

namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>
/// The report's ENAS part: the controller's reward against its moving-average baseline, its sample entropy, and how
/// settled it is at each epoch's end (the per-decision probability of the architecture it finds most likely, and how
/// many decisions of that architecture changed since the epoch before).
/// </summary>
internal static class EnasSection
{
    public static string Html(ReportInput input)
    {
        var search = input.Search;
        var html = new StringBuilder();
        html.Append("<section id=\"enas\"><h2>ENAS controller</h2>");
        html.Append("<p>").Append(SvgFormat.Escape(Summary(search))).Append("</p><div class=\"grid\">");
        html.Append("<figure>").Append(LineChart.Svg("Reward and baseline",
        [
            new ChartSeries("reward", ReportInput.Series(search, "reward"), "#2e7d32"),
            new ChartSeries("baseline", ReportInput.Series(search, "baseline"), "#9e9e9e", Dashed: true),
        ])).Append("</figure>");
        html.Append("<figure>").Append(LineChart.Svg("Controller entropy (per sample)",
            [new ChartSeries("entropy", ReportInput.Series(search, "entropy"), "#6a1b9a")], include: 0)).Append("</figure>");
        if (search.Any(e => e.Metrics.ContainsKey("top_architecture_probability")))
        {
            html.Append("<figure>").Append(LineChart.Svg("Most likely architecture: probability per decision",
                [new ChartSeries("probability", ReportInput.Series(search, "top_architecture_probability"), "#1565c0")], include: 1)).Append("</figure>");
            html.Append("<figure>").Append(LineChart.Svg("Most likely architecture: decisions changed",
                [new ChartSeries("changed decisions", ReportInput.Series(search, "top_architecture_changes"), "#c62828")], include: 0)).Append("</figure>");
        }
        if (search.Any(e => e.Metrics.ContainsKey("top_architecture_parameter_free_share")))
        {
            html.Append("<figure>").Append(LineChart.Svg("Most likely architecture: share of parameter-free choices",
                [new ChartSeries("pools, identities", ReportInput.Series(search, "top_architecture_parameter_free_share"), "#ef6c00")], include: 0)).Append("</figure>");
        }
        return html.Append("</div></section>").ToString();
    }

    private static string Summary(IReadOnlyList<ReportEpoch> search)
    {
        var parts = new List<string>();
        var entropy = ReportInput.Series(search, "entropy").Where(double.IsFinite).ToList();
        if (entropy.Count > 0)
        {
            parts.Add($"The controller's entropy went from {SvgFormat.Value(entropy[0])} to {SvgFormat.Value(entropy[^1])} (lower: surer).");
        }
        var probability = ReportInput.Series(search, "top_architecture_probability").Where(double.IsFinite).ToList();
        if (probability.Count > 0)
        {
            parts.Add($"At the end it gave its most likely architecture {SvgFormat.Value(probability[^1])} per decision.");
        }
        var parameterFree = ReportInput.Series(search, "top_architecture_parameter_free_share").Where(double.IsFinite).ToList();
        if (parameterFree.Count > 0)
        {
            parts.Add($"{(100 * parameterFree[^1]).ToString("F0", System.Globalization.CultureInfo.InvariantCulture)} % of its layer choices " +
                "picked an op without parameters (a pool or an identity).");
        }
        var changes = ReportInput.Series(search, "top_architecture_changes");
        int lastChange = Array.FindLastIndex(changes, c => c > 0);
        if (changes.Any(double.IsFinite))
        {
            parts.Add(lastChange < 0 ? "That architecture never changed between epochs."
                : lastChange == changes.Length - 1 ? "That architecture still changed in the last epoch: the search had not settled."
                : $"That architecture last changed in epoch {lastChange + 1} of {changes.Length}.");
        }
        parts.Add("The exported architecture is drawn from the final controller (by default the best of several samples on the validation data).");
        return string.Join(" ", parts);
    }
}
