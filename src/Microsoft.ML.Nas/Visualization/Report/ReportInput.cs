using Microsoft.ML.Nas.Architectures;
using TorchSharp;

namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>What a search report is made from. The supernet must stay alive while the report is rendered.</summary>
internal sealed class ReportInput
{
    /// <summary>"DARTS", "ENAS", or "fixed architecture" when nothing was searched.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The search space, as its spec prints (<c>enas-macro(layers=4, ...)</c>) or the network's class.</summary>
    public required string Space { get; init; }

    /// <summary>A supernet of the space, its choices open: for the picture and the candidates' names.</summary>
    public required torch.nn.Module Supernet { get; init; }

    /// <summary>The architecture found.</summary>
    public required Architecture Architecture { get; init; }

    /// <summary>The epochs, search first, then final training.</summary>
    public required IReadOnlyList<ReportEpoch> Epochs { get; init; }

    /// <summary>The trainable values of the found architecture's network.</summary>
    public required long ParameterCount { get; init; }

    /// <summary>The search epochs.</summary>
    public IReadOnlyList<ReportEpoch> Search => Epochs.Where(e => e.Phase == ReportEpoch.Search).ToList();

    /// <summary>The final-training epochs.</summary>
    public IReadOnlyList<ReportEpoch> Final => Epochs.Where(e => e.Phase == ReportEpoch.Final).ToList();

    /// <summary>The algorithm a history shows: DARTS records architecture weights, ENAS rewards; no search is a fixed architecture.</summary>
    public static string AlgorithmOf(IReadOnlyList<ReportEpoch> epochs)
    {
        var search = epochs.Where(e => e.Phase == ReportEpoch.Search).ToList();
        return search.Count == 0 ? "fixed architecture"
            : search.Any(e => e.Metrics.Keys.Any(k => k.StartsWith("weight.", StringComparison.Ordinal))) ? "DARTS"
            : search.Any(e => e.Metrics.ContainsKey("reward")) ? "ENAS"
            : "one-shot search";
    }

    /// <summary>The values of <paramref name="metric"/> over <paramref name="epochs"/>, NaN where missing.</summary>
    public static double[] Series(IReadOnlyList<ReportEpoch> epochs, string metric) => epochs.Select(e => e[metric]).ToArray();
}
