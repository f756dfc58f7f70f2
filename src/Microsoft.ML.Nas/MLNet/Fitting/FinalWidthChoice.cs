using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.FinalTraining;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// Under a Fit's time budget with no <see cref="NasOptions.FinalWidthMultiplier"/> set: the widest final network that
/// still trains <see cref="NasOptions.FinalMinimumEpochs"/> epochs in the time left. Each candidate width, narrowest
/// first, is built from the found architecture and timed on a few real training steps (the final options' batch,
/// augmentation, optimizer and weight average); the first that would break the search's budget on parameters or
/// latency, or fit less than half the minimum, ends the trial.
/// </summary>
/// <remarks>
/// One fixed multiplier cannot serve every found network: a search may find 30k parameters or 1M, and on a GPU the
/// same network costs a fraction of its CPU time. Timing the found network on the machine that trains it sizes the
/// width to both, and a longer budget buys a wider network, not only more epochs of the same one.
/// </remarks>
internal static class FinalWidthChoice
{
    /// <summary>The widths tried, narrowest first; the widest is the most a budget may buy.</summary>
    internal static readonly double[] Candidates = [1, 1.5, 2, 3, 4];

    /// <summary>Steps run before the timed ones: the first allocates the network's buffers.</summary>
    private const int WarmupSteps = 1;

    /// <summary>
    /// Steps timed; the fastest is the step time. A fresh network's first steps are slow for a while (its memory is
    /// still being mapped): measured on 2 cores, an enas-macro network's first twelve steps took 19–46 ms where its
    /// training averaged 21 ms, and their median overstated the wider candidates' epochs about twofold.
    /// </summary>
    private const int TimedSteps = 5;

    /// <summary>
    /// A candidate that fits less than this share of the minimum ends the trial: the wider ones only cost more. One that
    /// misses the minimum by less does not, because step time does not always grow with width: on 2 cores a ×1.5
    /// enas-macro network (24 filters) stepped slower than the same network at ×2 (32 filters), whose channel counts
    /// suit the CPU's vector width.
    /// </summary>
    private const double HopelessShare = 0.5;

    /// <summary>
    /// The share of the time left that the plan counts on: the budget keeps a reserve at its end, and the final
    /// training's first epochs run slower than the timed steps.
    /// </summary>
    private const double UsableFraction = 0.9;

    /// <summary>
    /// A validation batch costs about a third of a training step per row (a forward pass, no backward or update).
    /// </summary>
    private const double ForwardShare = 1.0 / 3;

    /// <summary>
    /// The final spec: the searched one scaled by the chosen width and <paramref name="depthMultiplier"/>. A wider
    /// candidate must also keep <paramref name="search"/>'s <c>MaxParameters</c> (counted on the built network) and
    /// <c>MaxLatency</c> (measured on it), which bound the network Fit serves. Width 1 when even it cannot train the
    /// minimum (the budget then trains what it can) or when the space cannot be widened (a custom space registered
    /// without a scaler).
    /// </summary>
    public static (SearchSpaceSpec Spec, double Width) Choose(NasRun run, Architecture architecture, FixedArchitectureTrainerOptions options,
        int depthMultiplier, int minimumEpochs, OneShotTrainerOptions? search, Action<string> log)
    {
        // Fit's spec before the search: the searched one at ×1 and the depth multiplier.
        var chosen = (Spec: run.FinalSpec, Width: 1.0);
        var clock = Stopwatch.StartNew();
        var trials = new List<string>();
        foreach (double width in Candidates)
        {
            var spec = Scale(run.Spec, width, depthMultiplier);
            if (spec is null)
            {
                trials.Add(string.Create(CultureInfo.InvariantCulture, $"×{width}: the space has no scaler"));
                break;
            }
            var trial = Try(run, spec, architecture, options, search);
            double epochs = run.Budget.Left!.Value.TotalSeconds * UsableFraction / trial.EpochSeconds;
            trials.Add(string.Create(CultureInfo.InvariantCulture, $"×{width}: {trial.Parameters:N0} parameters, ") +
                (trial.OverBudget ?? string.Create(CultureInfo.InvariantCulture, $"{trial.EpochSeconds:F2} s an epoch, {epochs:F1} epochs fit")));
            if (width > 1 && trial.OverBudget is not null)
            {
                break;
            }
            if (width == 1 || epochs >= minimumEpochs)
            {
                chosen = (spec, width);
            }
            else if (epochs < minimumEpochs * HopelessShare)
            {
                break;
            }
        }
        log(string.Create(CultureInfo.InvariantCulture,
            $"Final width: ×{chosen.Width}, the widest that trains at least {minimumEpochs} epochs in the time left ({string.Join("; ", trials)}; tried in {clock.Elapsed.TotalSeconds:F1} s)."));
        return chosen;
    }

    private static SearchSpaceSpec? Scale(SearchSpaceSpec spec, double width, int depth)
    {
        try
        {
            return spec.Scaled(width, depth);
        }
        catch (ArgumentException error) when (error.ParamName is "widthMultiplier" && width > 1)
        {
            return null;
        }
    }

    /// <summary>
    /// The network built from <paramref name="spec"/>: its parameters, the search budget it breaks (null when none), and
    /// an epoch of its final training: its steps at the fastest timed step, and a validation pass.
    /// </summary>
    private static (long Parameters, string? OverBudget, double EpochSeconds) Try(NasRun run, SearchSpaceSpec spec, Architecture architecture,
        FixedArchitectureTrainerOptions options, OneShotTrainerOptions? search)
    {
        using var model = FixedArchitecture.Build(spec, run.Context, architecture);
        long parameters = model.parameters().Sum(p => p.numel());
        if (search?.MaxParameters is { } maxParameters && parameters > maxParameters)
        {
            return (parameters, $"over Search.MaxParameters ({maxParameters:N0})", double.PositiveInfinity);
        }
        if (search?.MaxLatency is { } maxLatency)
        {
            var latency = LatencyTable.MeasureForward(model, run.Context.SampleShape, search.LatencyBatchSize, run.Environment.Device, run.Environment.Threads);
            if (latency > maxLatency)
            {
                return (parameters, string.Create(CultureInfo.InvariantCulture,
                    $"{latency.TotalMilliseconds:0.000} ms, over Search.MaxLatency ({maxLatency.TotalMilliseconds:0.000} ms)"), double.PositiveInfinity);
            }
        }
        using var trainer = new OneShotTrainer(model, new FixedArchitectureStrategy(options, architecture), options,
            run.Environment, run.Train, validData: null);
        int stepsInEpoch = (int)((run.Train.Count + options.BatchSize - 1) / options.BatchSize);
        var phase = new OneShotPhase("train", stepsInEpoch);
        model.train();
        double stepSeconds = double.PositiveInfinity;
        for (int step = 0; step < WarmupSteps + TimedSteps; step++)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            long started = Stopwatch.GetTimestamp();
            trainer.RunStep(phase, step);
            if (step >= WarmupSteps)
            {
                stepSeconds = Math.Min(stepSeconds, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }
        double validationSeconds = run.Validation is { } valid ? stepSeconds * ForwardShare * valid.Count / options.BatchSize : 0;
        return (parameters, null, stepSeconds * stepsInEpoch + validationSeconds);
    }
}
