using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// The export of sampling strategies (ENAS, Random): draw architectures, score each one that fits the options'
/// budget (<see cref="ArchitectureBudget"/>: parameters, predicted latency), and keep the best (the first of equally good ones, so the choice does not depend on sort
/// stability). Draws that do not fit are not scored; the search gives up after <see cref="DrawsPerSample"/> times as
/// many draws as samples.
/// </summary>
internal static class BestOfSamples
{
    public const int DrawsPerSample = 50;

    /// <param name="context">The loop's context (its budget and log).</param>
    /// <param name="strategy">The strategy's name, for logs and messages.</param>
    /// <param name="samples">How many fitting architectures to score.</param>
    /// <param name="draw">Samples an architecture, sets it on the supernet and returns it.</param>
    /// <param name="score">Scores the supernet as set by the last draw.</param>
    /// <returns>The scored architectures in draw order, the best marked exported.</returns>
    /// <exception cref="InvalidOperationException">No draw fits the budget; the message names the budget and the smallest reachable count.</exception>
    public static List<ScoredArchitecture> Run(OneShotContext context, string strategy, int samples, Func<Architecture> draw, Func<EvaluationResult> score)
    {
        var budget = context.ArchitectureBudget;
        var scored = new List<ScoredArchitecture>();
        int draws = 0;
        while (scored.Count < samples && draws < samples * DrawsPerSample)
        {
            draws++;
            Architecture architecture;
            using (no_grad())
            {
                architecture = draw();
            }
            var chosen = budget?.Masks(architecture);
            if (chosen is not null && !budget!.Fits(chosen))
            {
                continue;
            }
            var (parameters, latency) = chosen is null ? default : budget!.Costs(chosen);
            var result = score();
            scored.Add(new ScoredArchitecture(architecture, result.Metric, result.Loss, parameters, Exported: false, latency));
        }
        if (scored.Count == 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{strategy} export: none of {draws} sampled architectures has {budget} ({budget!.DescribeSmallest()}); raise {budget.Options}."));
        }
        int best = 0;
        for (int i = 1; i < scored.Count; i++)
        {
            if (scored[i].Score > scored[best].Score)
            {
                best = i;
            }
        }
        scored[best] = scored[best] with { Exported = true };
        for (int i = 0; i < scored.Count; i++)
        {
            var s = scored[i];
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"{strategy} export: sample {i + 1}/{scored.Count} score {s.Score:F4} loss {s.Loss:F4}{(s.Parameters is { } p ? $" parameters {p}" : "")}{(s.PredictedLatency is { } t ? $" predicted latency {t.TotalMilliseconds:0.000} ms" : "")}{(s.Exported ? " (exported)" : "")}"));
        }
        if (draws > scored.Count)
        {
            context.Log($"{strategy} export: {draws - scored.Count} of {draws} draws exceeded the budget ({budget}) and were not scored.");
        }
        return scored;
    }
}
