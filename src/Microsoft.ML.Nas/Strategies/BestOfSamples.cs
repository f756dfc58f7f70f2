using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// The export of sampling strategies (ENAS, Random): draw architectures, score each one that fits the options'
/// parameter budget, and keep the best (the first of equally good ones, so the choice does not depend on sort
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
        var budget = context.ParameterBudget;
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
            long? parameters = budget?.Counter.Count(architecture);
            if (parameters > budget?.Max)
            {
                continue;
            }
            var result = score();
            scored.Add(new ScoredArchitecture(architecture, result.Metric, result.Loss, parameters, Exported: false));
        }
        if (scored.Count == 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{strategy} export: none of {draws} sampled architectures has {budget} (the smallest network of this space has {budget!.Counter.Smallest}); raise {nameof(OneShotTrainerOptions.MaxParameters)}."));
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
                $"{strategy} export: sample {i + 1}/{scored.Count} score {s.Score:F4} loss {s.Loss:F4}{(s.Parameters is { } p ? $" parameters {p}" : "")}{(s.Exported ? " (exported)" : "")}"));
        }
        if (draws > scored.Count)
        {
            context.Log($"{strategy} export: {draws - scored.Count} of {draws} draws exceeded the budget ({budget}) and were not scored.");
        }
        return scored;
    }
}
