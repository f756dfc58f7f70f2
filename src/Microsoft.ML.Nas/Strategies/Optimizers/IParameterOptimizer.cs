using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>
/// An optimizer over a fixed list of parameters whose whole state (per-parameter buffers and step counts) can be
/// written to and read back from a checkpoint, so a resumed search continues exactly where it stopped.
/// </summary>
public interface IParameterOptimizer : IDisposable
{
    /// <summary>The parameters it updates, in a fixed order.</summary>
    IReadOnlyList<TorchSharp.Modules.Parameter> Parameters { get; }

    /// <summary>The learning rate of the next <see cref="Step"/> (a schedule sets it each epoch).</summary>
    double LearningRate { get; set; }

    /// <summary>Updates every parameter that has a gradient.</summary>
    void Step();

    /// <summary>Clears the gradients of the parameters.</summary>
    void ZeroGrad();

    /// <summary>Writes the optimizer's state (not the parameters).</summary>
    void Save(BinaryWriter writer);

    /// <summary>Reads back what <see cref="Save"/> wrote for the same parameter list.</summary>
    /// <exception cref="InvalidDataException">The saved state was written for other parameters or another optimizer.</exception>
    void Load(BinaryReader reader);
}
