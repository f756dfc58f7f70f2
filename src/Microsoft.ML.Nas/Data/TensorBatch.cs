using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Data;

/// <summary>
/// One mini-batch gathered on the device: features [B, ...] (float32) and labels [B] (int64). The batch owns both
/// tensors; dispose it when the step is done (or let an enclosing <see cref="TorchSharp.DisposeScope"/> do it).
/// </summary>
public sealed class TensorBatch : IDisposable
{
    internal TensorBatch(Tensor features, Tensor labels)
    {
        Features = features;
        Labels = labels;
    }

    /// <summary>The batch's features, [B, ...] float32, on the dataset's device.</summary>
    public Tensor Features { get; }

    /// <summary>The batch's labels, [B] int64, on the dataset's device.</summary>
    public Tensor Labels { get; }

    /// <summary>Number of samples in the batch.</summary>
    public long Size => Labels.shape[0];

    /// <summary>Releases the native memory of both tensors.</summary>
    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
