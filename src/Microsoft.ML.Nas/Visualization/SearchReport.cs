using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Visualization.Pictures;
using Microsoft.ML.Nas.Visualization.Report;

namespace Microsoft.ML.Nas.Visualization;

/// <summary>
/// A search report a person reads in a browser: one self-contained HTML file (inline SVG and data, no script, no
/// network) with the found architecture's picture and parameter count, loss and accuracy per epoch of the search and
/// the final training, DARTS's architecture weights over the epochs or ENAS's controller (reward, baseline, entropy,
/// how settled it is), and the time line. ML.NET users call <c>NasTransformer.WriteReport</c>.
/// </summary>
public static class SearchReport
{
    /// <summary>Writes the report of a search run with the trainers (<c>DartsTrainer.Loop</c>, <c>EnasTrainer.Loop</c>).</summary>
    /// <param name="path">The HTML file to write; its folder is created.</param>
    /// <param name="search">The search's loop, after training: its supernet and history.</param>
    /// <param name="architecture">The architecture the search exported.</param>
    /// <param name="finalTraining">The final training of that architecture (<c>FixedArchitectureTrainer.Loop</c>), if any.</param>
    /// <exception cref="ArchitectureException">The architecture does not fit the search's supernet.</exception>
    public static void Write(string path, OneShotTrainer search, Architecture architecture, OneShotTrainer? finalTraining = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(architecture);
        var epochs = search.History.Select(r => new ReportEpoch(ReportEpoch.Search, r.Epoch, r.ToMetrics()))
            .Concat((finalTraining?.History ?? []).Select(r => new ReportEpoch(ReportEpoch.Final, r.Epoch, r.ToMetrics()))).ToList();
        // Counted on the trained network when there is one; else the chosen part of the supernet.
        long parameters = finalTraining?.Model.parameters().Sum(p => p.numel())
            ?? ChosenParameters.Count(search.Model, new ChosenCandidates(ModelSearchSpace.Of(search.Model), architecture));
        Write(path, new ReportInput
        {
            Algorithm = search.Strategy.Name, Space = search.Model.GetName(), Supernet = search.Model, Architecture = architecture,
            Epochs = epochs, ParameterCount = parameters,
        });
    }

    /// <summary>Writes the report of an ML.NET run: its spec, data context, architecture and history.</summary>
    internal static void Write(string path, SearchSpaceSpec spec, SpaceContext context, Architecture architecture, IReadOnlyList<ReportEpoch> epochs, long parameterCount)
    {
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        Write(path, new ReportInput
        {
            Algorithm = ReportInput.AlgorithmOf(epochs), Space = spec.ToString(), Supernet = supernet, Architecture = architecture,
            Epochs = epochs, ParameterCount = parameterCount,
        });
    }

    private static void Write(string path, ReportInput input)
    {
        ArchitectureDrawing.CreateFolder(path);
        File.WriteAllText(path, ReportPage.Render(input));
    }
}
