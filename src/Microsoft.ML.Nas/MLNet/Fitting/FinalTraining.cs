using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Strategies;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>Builds the found architecture from the run's final spec and trains it from scratch with the options' <c>Final</c> settings.</summary>
internal static class FinalTraining
{
    /// <summary>
    /// The searched spec scaled by the options' final multipliers (width 1 when it is not set; under a time budget
    /// <see cref="FinalWidthChoice"/> then chooses it after the search). Fit calls it before the search, so a space
    /// that cannot be scaled fails at once, not after an hour of searching.
    /// </summary>
    /// <exception cref="ArgumentException">The space cannot be scaled so; the parameter name is the option.</exception>
    public static SearchSpaceSpec Spec(SearchSpaceSpec searched, NasOptions options)
    {
        try
        {
            return searched.Scaled(options.FinalWidthMultiplier ?? 1, options.FinalDepthMultiplier);
        }
        catch (ArgumentException error) when (error.ParamName is "widthMultiplier" or "depthMultiplier")
        {
            string option = error.ParamName == "widthMultiplier" ? nameof(NasOptions.FinalWidthMultiplier) : nameof(NasOptions.FinalDepthMultiplier);
            throw new ArgumentException($"{option}: {error.Message}", option, error);
        }
    }

    /// <summary>The network built from <paramref name="spec"/>, trained (in evaluation mode), and its history.</summary>
    public static (nn.Module<Tensor, Tensor> Model, IReadOnlyList<NasEpochRecord> History) Run(NasRun run, SearchSpaceSpec spec, Architecture architecture,
        FixedArchitectureTrainerOptions options)
    {
        // Seeded before the build so the network's initial weights follow the seed, whatever the search (or the
        // timing of final widths) drew.
        random.manual_seed(run.Environment.Seed);
        var model = FixedArchitecture.Build(spec, run.Context, architecture);
        try
        {
            using var trainer = new OneShotTrainer(model, new FixedArchitectureStrategy(options, architecture), options,
                run.EnvironmentFor(NasSearchHistory.FinalPhase), run.Train, run.Validation, run.Budget.ForFinal());
            trainer.Train();
            model.eval();
            return (model, trainer.History.Select(r => OneShotBridge.ToHistory(NasSearchHistory.FinalPhase, r)).ToArray());
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
