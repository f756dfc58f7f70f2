using Microsoft.ML.Nas.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Data;

/// <summary>
/// An endless, resumable stream of seeded mini-batches over one dataset: batch number <c>p</c> is batch
/// <c>p mod B</c> of sampler epoch <c>p div B</c>, so a stream restored to a saved <see cref="Position"/> continues
/// with exactly the batches an uninterrupted run would draw (whatever the step counts per epoch).
/// </summary>
public sealed class BatchStream : IDisposable
{
    private Tensor? order;
    private int orderEpoch = -1;

    internal BatchStream(string name, TensorDataset data, BatchSampler sampler)
    {
        Name = name;
        Data = data;
        Sampler = sampler;
    }

    /// <summary>The name under which the checkpoint keeps its position.</summary>
    public string Name { get; }

    /// <summary>The dataset batched.</summary>
    public TensorDataset Data { get; }

    /// <summary>The sampler deciding each sampler epoch's order.</summary>
    public BatchSampler Sampler { get; }

    /// <summary>Number of batches in one pass over <see cref="Data"/>.</summary>
    public long BatchesPerPass => Sampler.BatchesPerEpoch;

    /// <summary>Number of batches drawn so far (the next batch's number).</summary>
    public long Position { get; internal set; }

    /// <summary>The next batch, gathered on the data's device; the caller disposes it (or its dispose scope does).</summary>
    public TensorBatch Next()
    {
        long perPass = Sampler.BatchesPerEpoch;
        int epoch = checked((int)(Position / perPass));
        long batch = Position % perPass;
        if (epoch != orderEpoch || order is null)
        {
            order?.Dispose();
            using var scope = NewDisposeScope();
            order = tensor(Sampler.EpochOrder(epoch), device: Data.Device).DetachFromDisposeScope();
            orderEpoch = epoch;
        }
        long start = batch * Sampler.BatchSize;
        long length = Math.Min(Sampler.BatchSize, Sampler.Count - start);
        Position++;
        using var indices = order.narrow(0, start, length);
        return Data.GetBatch(indices);
    }

    /// <summary>Frees the cached epoch order (not the dataset).</summary>
    public void Dispose()
    {
        order?.Dispose();
        order = null;
    }
}
