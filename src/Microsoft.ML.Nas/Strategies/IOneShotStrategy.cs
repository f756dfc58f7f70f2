using Microsoft.ML.Nas.Architectures;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// What a one-shot algorithm (DARTS, ENAS, ...) plugs into <see cref="OneShotTrainer"/>: the loop owns data, device,
/// epochs, the weights' optimizer and schedule, logging, progress, checkpoints and cancellation; the strategy owns its
/// steps and its architecture state (alphas, a controller) and decides the architecture.
/// </summary>
/// <remarks>
/// Call order: <see cref="Attach"/> once; then per epoch <see cref="OnEpochStart"/>, <see cref="PlanEpoch"/>,
/// <see cref="Step"/> for every step of every phase (each inside its own dispose scope, model in training mode),
/// <see cref="Validate"/>, <see cref="ArchitectureWeights"/>. <see cref="SaveState"/> / <see cref="LoadState"/> carry the
/// strategy's own state through checkpoints; the loop saves the model, the weights' optimizer, random state and streams.
/// </remarks>
public interface IOneShotStrategy : IDisposable
{
    /// <summary>The algorithm's name, for logs (e.g. "DARTS").</summary>
    string Name { get; }

    /// <summary>Binds the strategy to the loop: create streams, architecture parameters and their optimizers here.</summary>
    void Attach(OneShotContext context);

    /// <summary>Called before the phases of <paramref name="epoch"/> run (after the learning rate is set).</summary>
    void OnEpochStart(int epoch);

    /// <summary>The phases of <paramref name="epoch"/>, in order, each with its step count.</summary>
    IReadOnlyList<OneShotPhase> PlanEpoch(int epoch);

    /// <summary>Runs step <paramref name="step"/> of <paramref name="phase"/>; its temporaries die with the loop's dispose scope.</summary>
    StepResult Step(OneShotPhase phase, int step);

    /// <summary>Validation after <paramref name="epoch"/>, or null when the strategy does not validate.</summary>
    EvaluationResult? Validate(int epoch);

    /// <summary>The current architecture weights per key, for the history (empty when the strategy has none).</summary>
    IReadOnlyDictionary<string, float[]> ArchitectureWeights();

    /// <summary>Writes the strategy's own state (alphas, controller, their optimizers, baselines, random state).</summary>
    void SaveState(BinaryWriter writer);

    /// <summary>Reads back what <see cref="SaveState"/> wrote.</summary>
    void LoadState(BinaryReader reader);

    /// <summary>The architecture the strategy decides on now.</summary>
    Architecture Export();
}
