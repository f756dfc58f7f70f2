using System.Text;
using static Microsoft.ML.Nas.Visualization.SvgFormat;

namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>Every epoch's numbers in a table (the architecture weights left to the DARTS charts), folded away by default.</summary>
internal static class HistoryTable
{
    private static readonly string[] First = ["loss", "accuracy", "validationLoss", "validationAccuracy", "learningRate", "seconds"];

    public static string Html(IReadOnlyList<ReportEpoch> epochs)
    {
        var names = epochs.SelectMany(e => e.Metrics.Keys).Where(k => !k.StartsWith("weight.", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var columns = First.Where(names.Contains).Concat(names.Except(First).Order(StringComparer.Ordinal)).ToList();
        var html = new StringBuilder("<section id=\"history\"><h2>Every epoch</h2><details><summary>Show the table</summary><div class=\"table-wrap\"><table><thead><tr><th>phase</th><th>epoch</th>");
        foreach (var column in columns)
        {
            html.Append($"<th>{Escape(column)}</th>");
        }
        html.Append("</tr></thead><tbody>");
        foreach (var epoch in epochs)
        {
            html.Append($"<tr><td>{Escape(epoch.Phase)}</td><td>{epoch.Epoch + 1}</td>");
            foreach (var column in columns)
            {
                html.Append($"<td>{Escape(Value(epoch[column]))}</td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</tbody></table></div></details></section>").ToString();
    }
}
