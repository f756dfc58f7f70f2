using System.Globalization;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Visualization.Report;

namespace Microsoft.ML.Nas.Tests.Visualization;

/// <summary>Histories made up for report tests: the metric names a real run records, values that move a little each epoch.</summary>
internal static class SyntheticHistory
{
    /// <summary>
    /// A DARTS run: per search epoch loss, accuracy, validation, seconds and, for every LayerChoice key, K + 1 weights
    /// (the last for "none") drifting towards candidate (key's position mod K); then the final epochs.
    /// </summary>
    public static List<ReportEpoch> Darts(ModelSearchSpace space, int searchEpochs, int finalEpochs)
    {
        var epochs = new List<ReportEpoch>();
        var layerChoices = space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice).ToList();
        for (int e = 0; e < searchEpochs; e++)
        {
            var metrics = Common(e, validated: true);
            metrics["arch_loss"] = 2.1 - 0.2 * e;
            for (int k = 0; k < layerChoices.Count; k++)
            {
                int count = layerChoices[k].CandidateCount + 1;
                int favourite = k % (count - 1);
                double lead = 0.05 * e;
                for (int i = 0; i < count; i++)
                {
                    double weight = (1.0 / count) + (i == favourite ? lead : -lead / (count - 1));
                    metrics[string.Create(CultureInfo.InvariantCulture, $"weight.{layerChoices[k].Key}[{i}]")] = weight;
                }
            }
            epochs.Add(new ReportEpoch(ReportEpoch.Search, e, metrics));
        }
        epochs.AddRange(Final(finalEpochs));
        return epochs;
    }

    /// <summary>An ENAS run: the child's loss and accuracy and the controller's values per search epoch, then the final epochs.</summary>
    public static List<ReportEpoch> Enas(int searchEpochs, int finalEpochs, int decisions)
    {
        var epochs = new List<ReportEpoch>();
        for (int e = 0; e < searchEpochs; e++)
        {
            var metrics = Common(e, validated: true);
            metrics["reward"] = 0.3 + 0.1 * e;
            metrics["baseline"] = 0.05 * e;
            metrics["entropy"] = 5 - 0.5 * e;
            metrics["skip_penalty"] = 0.1;
            metrics["controller_loss"] = -0.2;
            metrics["top_architecture_probability"] = 0.2 + 0.1 * e;
            metrics["top_architecture_changes"] = Math.Max(0, decisions - 2 * e);
            epochs.Add(new ReportEpoch(ReportEpoch.Search, e, metrics));
        }
        epochs.AddRange(Final(finalEpochs));
        return epochs;
    }

    private static IEnumerable<ReportEpoch> Final(int count) =>
        Enumerable.Range(0, count).Select(e => new ReportEpoch(ReportEpoch.Final, e, Common(e, validated: false)));

    private static Dictionary<string, double> Common(int epoch, bool validated)
    {
        var metrics = new Dictionary<string, double>
        {
            ["loss"] = 2.3 / (epoch + 1), ["accuracy"] = 0.2 + 0.1 * epoch, ["learningRate"] = 0.05, ["seconds"] = 3 + epoch,
        };
        if (validated)
        {
            metrics["validationLoss"] = 2.4 / (epoch + 1);
            metrics["validationAccuracy"] = 0.15 + 0.1 * epoch;
        }
        return metrics;
    }
}
