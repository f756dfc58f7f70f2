using TorchSharp.Modules;

namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>Makes the weights' optimizer that <see cref="OneShotTrainerOptions.WeightOptimizer"/> names, with the options' rate and decay.</summary>
internal static class WeightOptimizers
{
    /// <exception cref="ArgumentOutOfRangeException">The kind is not one of <see cref="WeightOptimizerKind"/>'s values.</exception>
    public static IParameterOptimizer Create(IEnumerable<Parameter> parameters, OneShotTrainerOptions options) => options.WeightOptimizer switch
    {
        WeightOptimizerKind.Sgd => new SgdWithMomentum(parameters, options.LearningRate, options.Momentum, options.WeightDecay),
        WeightOptimizerKind.SgdNesterov => new SgdWithMomentum(parameters, options.LearningRate, options.Momentum, options.WeightDecay, nesterov: true),
        WeightOptimizerKind.AdamW => new AdamWithDecoupledDecay(parameters, options.LearningRate, options.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.WeightOptimizer, "Unknown weight optimizer."),
    };
}
