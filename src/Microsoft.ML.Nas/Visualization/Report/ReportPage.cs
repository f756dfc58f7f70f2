using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Nas.Visualization.Charts;
using Microsoft.ML.Nas.Visualization.Graphs;
using Microsoft.ML.Nas.Visualization.Pictures;
using static Microsoft.ML.Nas.Visualization.SvgFormat;

namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>
/// The search report as one self-contained HTML page: inline style and SVG, the data inline as JSON, no script to run
/// and nothing fetched, so it opens from disk in any browser without a server.
/// </summary>
internal static class ReportPage
{
    public static string Render(ReportInput input)
    {
        var chosen = new ChosenCandidates(Mutables.ModelSearchSpace.Of(input.Supernet), input.Architecture);
        string title = $"{input.Algorithm} on {input.Space}";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append($"<title>Architecture search report: {Escape(title)}</title>")
            // An empty icon: otherwise a browser asks for /favicon.ico, which is an error on file:// pages.
            .Append("<link rel=\"icon\" href=\"data:,\">")
            .Append("<style>").Append(ReportStyle.Css).Append("</style></head>\n<body><main>\n");
        string written = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        html.Append($"<header><h1>Architecture search report</h1><p class=\"subtitle\">{Escape(title)} · written {written} UTC by Microsoft.ML.Nas</p></header>\n");
        html.Append(Cards(input, chosen)).Append('\n');
        html.Append("<section id=\"architecture\"><h2>Found architecture</h2><div class=\"picture\">")
            .Append(GraphSvgWriter.Write(ArchitecturePictures.Draw(input.Supernet, input.Architecture)))
            .Append("</div><details><summary>Architecture JSON (NNI's format)</summary><pre>")
            .Append(Escape(input.Architecture.ToJson())).Append("</pre></details></section>\n");
        html.Append(TrainingSection.Html(input)).Append('\n');
        if (input.Algorithm == "DARTS")
        {
            html.Append(DartsSection.Html(input, chosen)).Append('\n');
        }
        else if (input.Algorithm == "ENAS")
        {
            html.Append(EnasSection.Html(input)).Append('\n');
        }
        html.Append("<section id=\"timeline\"><h2>Time line</h2><p>Every epoch as long as it took, search first, then the final training.</p><figure class=\"wide\">")
            .Append(Timeline.Svg(input.Epochs.Select(e => new TimelineSpan(e.Phase, e.Epoch, e["seconds"])).ToList()))
            .Append("</figure></section>\n");
        html.Append(HistoryTable.Html(input.Epochs)).Append('\n');
        html.Append("<script type=\"application/json\" id=\"nas-report-data\">").Append(Data(input)).Append("</script>\n");
        return html.Append("</main></body></html>\n").ToString();
    }

    private static string Cards(ReportInput input, ChosenCandidates chosen)
    {
        var (search, final) = (input.Search, input.Final);
        var cards = new StringBuilder("<section id=\"summary\"><div class=\"cards\">");
        void Card(string label, string value, string note, string? noteHtml = null) =>
            cards.Append($"<div class=\"card\"><div class=\"label\">{Escape(label)}</div><div class=\"value\">{Escape(value)}</div><div class=\"note\">{noteHtml ?? Escape(note)}</div></div>");
        Card("Parameters", input.ParameterCount.ToString("N0", CultureInfo.InvariantCulture), "trainable values of the found network");
        string size = chosen.Space.Log10Size.ToString("0.#", CultureInfo.InvariantCulture);
        Card("Search space", $"{chosen.Space.DecisionCount} decisions", "", $"about 10<sup>{size}</sup> architectures");
        if (search.Count > 0)
        {
            Card("Search", Percent(Last(search, "validationAccuracy", "accuracy")), $"{Epochs(search)} in {Seconds(search)}; last {Which(search)} accuracy");
        }
        if (final.Count > 0)
        {
            Card("Final training", Percent(Last(final, "validationAccuracy", "accuracy")), $"{Epochs(final)} in {Seconds(final)}; last {Which(final)} accuracy");
        }
        return cards.Append("</div></section>").ToString();
    }

    private static double Last(IReadOnlyList<ReportEpoch> epochs, string preferred, string fallback) =>
        double.IsFinite(epochs[^1][preferred]) ? epochs[^1][preferred] : epochs[^1][fallback];

    private static string Which(IReadOnlyList<ReportEpoch> epochs) => double.IsFinite(epochs[^1]["validationAccuracy"]) ? "validation" : "training";

    private static string Percent(double value) => double.IsFinite(value) ? value.ToString("P1", CultureInfo.InvariantCulture) : "–";

    private static string Epochs(IReadOnlyList<ReportEpoch> epochs) => epochs.Count == 1 ? "1 epoch" : $"{epochs.Count} epochs";

    private static string Seconds(IReadOnlyList<ReportEpoch> epochs) =>
        epochs.Select(e => e["seconds"]).Where(double.IsFinite).Sum().ToString("0.0 s", CultureInfo.InvariantCulture);

    private static string Data(ReportInput input)
    {
        var options = new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        var data = new JsonObject
        {
            ["algorithm"] = input.Algorithm,
            ["space"] = input.Space,
            ["parameterCount"] = input.ParameterCount,
            ["architecture"] = JsonNode.Parse(input.Architecture.ToJson()),
            ["epochs"] = JsonSerializer.SerializeToNode(input.Epochs.Select(e => new { phase = e.Phase, epoch = e.Epoch, metrics = e.Metrics }), options),
        };
        // The default encoder writes '<' as \u003C, so no "</script>" can end the block early.
        return data.ToJsonString(options);
    }
}
