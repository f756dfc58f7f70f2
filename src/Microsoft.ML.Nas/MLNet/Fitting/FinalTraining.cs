using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Strategies;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>Trains the found architecture from scratch with the library's fixed-architecture trainer.</summary>
internal static class FinalTraining
{
    /// <summary>Trains <paramref name="model"/> (already pruned) and returns its history.</summary>
    public static IReadOnlyList<NasEpochRecord> Run(nn.Module<Tensor, Tensor> model, Architecture architecture, NasOptions options, NasRun run)
    {
        var trainerOptions = OneShotSearch.Common(new FixedArchitectureTrainerOptions
        {
            Epochs = options.FinalEpochs, BatchSize = options.FinalBatchSize, LearningRate = options.FinalLearningRate,
            WeightDecay = options.FinalWeightDecay, CutoutLength = options.FinalCutout, ShiftPixels = options.FinalShift, DropPathProbability = options.FinalDropPath,
            LogFrequency = 0,
        }, options, run, NasSearchHistory.FinalPhase);
        using var trainer = new FixedArchitectureTrainer(model, architecture, trainerOptions);
        trainer.Train();
        model.eval();
        return trainer.History.Select(r => OneShotBridge.ToHistory(NasSearchHistory.FinalPhase, r)).ToArray();
    }
}
