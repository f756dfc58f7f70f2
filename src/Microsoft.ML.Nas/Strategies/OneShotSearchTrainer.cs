using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// What every user-facing search trainer offers (NNI's trainer API): <see cref="OneShotTrainer"/> with one strategy
/// plugged in. <c>DartsTrainer</c> and <c>EnasTrainer</c> add only what is particular to their strategy.
/// </summary>
/// <typeparam name="TStrategy">The strategy driving the loop.</typeparam>
public abstract class OneShotSearchTrainer<TStrategy> : IDisposable where TStrategy : IOneShotStrategy
{
    /// <summary>Plugs <paramref name="strategy"/> into a loop over <paramref name="model"/> (moved to the options' device).</summary>
    protected OneShotSearchTrainer(nn.Module<Tensor, Tensor> model, TStrategy strategy, OneShotTrainerOptions options)
    {
        Strategy = strategy;
        Loop = new OneShotTrainer(model, strategy, options);
    }

    /// <summary>The shared loop (context, device, history).</summary>
    public OneShotTrainer Loop { get; }

    /// <summary>The strategy plugged into <see cref="Loop"/>.</summary>
    protected TStrategy Strategy { get; }

    /// <summary>One record per finished epoch.</summary>
    public IReadOnlyList<EpochRecord> History => Loop.History;

    /// <summary>Runs the epochs not yet finished; returns the history.</summary>
    public IReadOnlyList<EpochRecord> Train() => Loop.Train();

    /// <summary>The architecture the strategy exports now.</summary>
    public Architecture Export() => Loop.Export();

    /// <summary>Writes the architecture the strategy exports now to <paramref name="path"/> and returns it.</summary>
    public Architecture Export(string path) => Loop.Export(path);

    /// <summary>Writes a checkpoint (weights, strategy state, optimizers, random state, epoch) to <paramref name="directory"/>.</summary>
    public void SaveCheckpoint(string directory) => Loop.SaveCheckpoint(directory);

    /// <summary>Restores a checkpoint; <see cref="Train"/> then continues after its epoch.</summary>
    public void Resume(string directory) => Loop.Resume(directory);

    /// <summary>Mean loss and metric of the supernet, under the strategy's current decisions, over <paramref name="data"/>.</summary>
    public EvaluationResult Evaluate(TensorDataset data) => Loop.Evaluate(data);

    /// <summary>Frees the strategy's state, the optimizers and the data copies.</summary>
    public void Dispose()
    {
        Loop.Dispose();
        GC.SuppressFinalize(this);
    }
}
