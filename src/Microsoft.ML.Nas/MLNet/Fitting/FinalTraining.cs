using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Strategies;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>Builds the found architecture from the run's spec and trains it from scratch with the options' <c>Final</c> settings.</summary>
internal static class FinalTraining
{
    /// <summary>The trained network (in evaluation mode) and its history.</summary>
    public static (nn.Module<Tensor, Tensor> Model, IReadOnlyList<NasEpochRecord> History) Run(NasRun run, Architecture architecture,
        FixedArchitectureTrainerOptions options)
    {
        // Seeded before the build so the network's initial weights follow the seed, whatever the search drew.
        random.manual_seed(run.Environment.Seed);
        var model = FixedArchitecture.Build(run.Spec, run.Context, architecture);
        try
        {
            using var trainer = new OneShotTrainer(model, new FixedArchitectureStrategy(options, architecture), options,
                run.EnvironmentFor(NasSearchHistory.FinalPhase), run.Train, run.Validation);
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
