namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>The optimizer of a network's weights in the shared training loop (<see cref="OneShotTrainerOptions.WeightOptimizer"/>).</summary>
public enum WeightOptimizerKind
{
    /// <summary>SGD with momentum and L2 weight decay (<see cref="SgdWithMomentum"/>): NNI's and the DARTS paper's choice.</summary>
    Sgd,

    /// <summary>SGD with Nesterov momentum and L2 weight decay (<see cref="SgdWithMomentum"/> with <c>nesterov</c>).</summary>
    SgdNesterov,

    /// <summary>
    /// Adam with decoupled weight decay (<see cref="AdamWithDecoupledDecay"/>, betas 0.9 and 0.999). It wants a smaller
    /// learning rate (about 1e-3) and a larger weight decay (about 0.05) than SGD; the momentum setting does not apply.
    /// </summary>
    AdamW,
}
