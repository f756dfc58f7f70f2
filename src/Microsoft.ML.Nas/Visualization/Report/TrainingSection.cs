using System.Text;
using Microsoft.ML.Nas.Visualization.Charts;

namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>The report's loss and accuracy charts: per epoch, for the search and for the final training of the found architecture.</summary>
internal static class TrainingSection
{
    private const string Training = "#1565c0";
    private const string Validation = "#ef6c00";
    private const string Architecture = "#6a1b9a";

    public static string Html(ReportInput input)
    {
        var html = new StringBuilder();
        html.Append("<section id=\"training\"><h2>Loss and accuracy</h2>");
        html.Append("<p>Training values are means over the epoch's steps (ENAS: the shared weights under sampled architectures; DARTS: ")
            .Append("the mixed supernet); validation values are measured after the epoch. Hover a dot for its value.</p>");
        html.Append("<div class=\"grid\">");
        foreach (var (phase, epochs) in new[] { ("Search", input.Search), ("Final training", input.Final) })
        {
            if (epochs.Count == 0)
            {
                continue;
            }
            var losses = new List<ChartSeries> { new("training loss", ReportInput.Series(epochs, "loss"), Training) };
            AddIfRecorded(losses, epochs, "validationLoss", "validation loss", Validation);
            AddIfRecorded(losses, epochs, "arch_loss", "architecture loss", Architecture);
            var accuracies = new List<ChartSeries> { new("training accuracy", ReportInput.Series(epochs, "accuracy"), Training) };
            AddIfRecorded(accuracies, epochs, "validationAccuracy", "validation accuracy", Validation);
            html.Append("<figure>").Append(LineChart.Svg($"{phase}: loss", losses)).Append("</figure>");
            html.Append("<figure>").Append(LineChart.Svg($"{phase}: accuracy", accuracies)).Append("</figure>");
        }
        if (input.Epochs.Count == 0)
        {
            html.Append("<p>No epochs were recorded.</p>");
        }
        return html.Append("</div></section>").ToString();
    }

    private static void AddIfRecorded(List<ChartSeries> series, IReadOnlyList<ReportEpoch> epochs, string metric, string name, string color)
    {
        var values = ReportInput.Series(epochs, metric);
        if (values.Any(double.IsFinite))
        {
            series.Add(new ChartSeries(name, values, color, Dashed: true));
        }
    }
}
