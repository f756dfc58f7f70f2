using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Microsoft.ML.Nas.Tests.Visualization;

/// <summary>Reads a report's HTML without a browser: its sections, its SVG pictures and charts, and its inline data.</summary>
internal sealed partial class ReportHtml(string html)
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public string Text { get; } = html;

    /// <summary>The section with <paramref name="id"/>, as text.</summary>
    public string Section(string id)
    {
        int start = Text.IndexOf($"<section id=\"{id}\"", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, start, $"The report has a section '{id}'.");
        return Text[start..(Text.IndexOf("</section>", start, StringComparison.Ordinal) + "</section>".Length)];
    }

    /// <summary>Every inline SVG of <paramref name="fragment"/>, parsed (so each is well-formed XML). The report nests none.</summary>
    public static IReadOnlyList<XElement> Svgs(string fragment) =>
        SvgElement().Matches(fragment).Select(m => XElement.Parse(m.Value)).ToList();

    /// <summary>The charts of <paramref name="fragment"/> with the given class (line-chart, heatmap, weight-history, timeline).</summary>
    public static IReadOnlyList<XElement> Charts(string fragment, string kind) =>
        Svgs(fragment).Where(s => ((string?)s.Attribute("class") ?? "").Split(' ').Contains(kind)).ToList();

    /// <summary>The line chart titled <paramref name="title"/>'s series: name and number of points.</summary>
    public static Dictionary<string, int> Series(string fragment, string title)
    {
        var chart = Charts(fragment, "line-chart").SingleOrDefault(c => (string?)c.Attribute("aria-label") == title);
        Assert.IsNotNull(chart, $"The report has a chart '{title}'.");
        return chart.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series")
            .ToDictionary(g => (string)g.Attribute("data-name")!, g => (int)g.Attribute("data-points")!);
    }

    /// <summary>The inline JSON data block.</summary>
    public JsonObject Data()
    {
        var match = DataBlock().Match(Text);
        Assert.IsTrue(match.Success, "The report embeds its data as JSON.");
        return JsonNode.Parse(match.Groups[1].Value)!.AsObject();
    }

    [GeneratedRegex("<svg[\\s\\S]*?</svg>")]
    private static partial Regex SvgElement();

    [GeneratedRegex("<script type=\"application/json\" id=\"nas-report-data\">([\\s\\S]*?)</script>")]
    private static partial Regex DataBlock();
}
