using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Data;

/// <summary>
/// A labelled data set held in two contiguous tensors on one device — features [N, ...] (float32) and labels [N]
/// (int64) — read once, then batched by index on the device, never row by row.
/// </summary>
/// <remarks>
/// The dataset owns its tensors (they are not tied to any dispose scope); dispose it when done. Batches it produces
/// are new tensors owned by the caller: dispose each <see cref="TensorBatch"/> after its step, or create it inside a
/// dispose scope that ends with the step. Subsets made by <see cref="Split(double)"/> are views of this dataset's
/// storage, which libtorch keeps alive for as long as any of them is undisposed.
/// </remarks>
public sealed class TensorDataset : IDisposable
{
    private bool _disposed;

    /// <summary>
    /// Copies (or moves) <paramref name="features"/> and <paramref name="labels"/> to <paramref name="device"/> once,
    /// after checking that they describe the same samples.
    /// </summary>
    /// <param name="features">Float32 tensor [N, ...] (at least two dimensions).</param>
    /// <param name="labels">Int64 tensor [N] of class indices.</param>
    /// <param name="device">Where batches are built; null picks <see cref="DeviceSelection.Auto"/>.</param>
    /// <param name="classCount">Number of classes: when given, every label must lie in [0, classCount).</param>
    /// <remarks>The caller keeps ownership of its tensors; on the same device the dataset may share their storage.</remarks>
    /// <exception cref="ArgumentException">
    /// Types, shapes or label values do not fit, or a feature is NaN or infinite (the message says which, the first bad
    /// sample and how many there are).
    /// </exception>
    public TensorDataset(Tensor features, Tensor labels, Device? device = null, int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        TorchRuntime.EnsureAvailable();
        if (classCount is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "The class count must be positive, or null when unknown.");
        }
        TensorDatasetChecks.CheckShapes(features, labels);
        Device = device ?? DeviceSelection.Resolve(DeviceSelection.Auto);
        ClassCount = classCount;
        using (var scope = NewDisposeScope())
        {
            // A detached handle of our own: the dataset must outlive any scope the caller is in, and never track gradients.
            // On CUDA this is the only host-to-device copy of the data: batches are gathered on the device by index
            // (and the epoch's order is one small tensor), so pinned host memory would gain nothing.
            Features = features.detach().to(Device).contiguous().DetachFromDisposeScope();
            Labels = labels.detach().to(Device).contiguous().DetachFromDisposeScope();
        }
        try
        {
            TensorDatasetChecks.CheckLabelRange(Labels, classCount);
            TensorDatasetChecks.CheckFinite(Features);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    // Subsets: the tensors are already checked, on the device and owned by this new instance.
    private TensorDataset(Tensor features, Tensor labels, int? classCount, Device device)
    {
        Features = features;
        Labels = labels;
        Device = device;
        ClassCount = classCount;
    }

    /// <summary>Features [N, ...], float32, on <see cref="Device"/>.</summary>
    public Tensor Features { get; }

    /// <summary>Labels [N], int64, on <see cref="Device"/>.</summary>
    public Tensor Labels { get; }

    /// <summary>The device holding the tensors and building the batches.</summary>
    public Device Device { get; }

    /// <summary>Number of classes, when known: labels lie in [0, ClassCount).</summary>
    public int? ClassCount { get; }

    /// <summary>Number of samples N.</summary>
    public long Count => Labels.shape[0];

    /// <summary>Shape of one sample's features (the feature shape without N), e.g. [1, 28, 28].</summary>
    public IReadOnlyList<long> SampleShape => Features.shape[1..];

    /// <summary>
    /// Builds a dataset from raw arrays: <paramref name="features"/> holds N samples of <paramref name="sampleShape"/>
    /// one after another (row-major), N being the length of <paramref name="labels"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not agree with the shape, a label is out of range or a feature is not finite.</exception>
    public static TensorDataset FromArrays(float[] features, ReadOnlySpan<long> sampleShape, long[] labels, Device? device = null, int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        TorchRuntime.EnsureAvailable();
        if (sampleShape.IsEmpty)
        {
            throw new ArgumentException("The sample shape must have at least one dimension, e.g. [784] or [1, 28, 28].", nameof(sampleShape));
        }
        long perSample = 1;
        foreach (long dimension in sampleShape)
        {
            if (dimension <= 0)
            {
                throw new ArgumentException($"Sample shape [{string.Join(", ", sampleShape.ToArray())}] has a non-positive dimension.", nameof(sampleShape));
            }
            perSample *= dimension;
        }
        if (features.LongLength != labels.LongLength * perSample)
        {
            throw new ArgumentException(
                $"The features hold {features.LongLength} values, but {labels.LongLength} labels × {perSample} values per sample " +
                $"(shape [{string.Join(", ", sampleShape.ToArray())}]) needs {labels.LongLength * perSample}.", nameof(features));
        }
        long[] shape = [labels.LongLength, .. sampleShape];
        using var scope = NewDisposeScope();
        // Built on the CPU from the managed arrays, then moved to the device in one transfer by the constructor.
        return new TensorDataset(tensor(features, shape), tensor(labels), device, classCount);
    }

    /// <summary>Gathers the samples at <paramref name="indices"/> (int64 [B], any device) into a new batch.</summary>
    public TensorBatch GetBatch(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (indices.dtype != ScalarType.Int64 || indices.dim() != 1)
        {
            throw new ArgumentException($"Batch indices must be a 1-D int64 tensor; got {indices.dtype} of shape [{string.Join(", ", indices.shape)}].", nameof(indices));
        }
        using var scope = NewDisposeScope();
        var onDevice = indices.device_type == Device.type && indices.device_index == Device.index ? indices : indices.to(Device);
        return new TensorBatch(
            Features.index_select(0, onDevice).MoveToOuterDisposeScope(),
            Labels.index_select(0, onDevice).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> in the order <paramref name="sampler"/> decides. Each batch is
    /// gathered when enumerated and belongs to the caller: dispose it after its step.
    /// </summary>
    /// <exception cref="ArgumentException">The sampler was made for a different number of samples.</exception>
    public IEnumerable<TensorBatch> Batches(BatchSampler sampler, int epoch)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (sampler.Count != Count)
        {
            throw new ArgumentException($"The sampler covers {sampler.Count} samples but the dataset holds {Count}.", nameof(sampler));
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Enumerate(sampler, epoch);
    }

    /// <summary>
    /// An endless stream of batches, epoch after epoch from <paramref name="firstEpoch"/> (as ENAS's child and
    /// controller steps draw a fixed number of batches regardless of epoch boundaries).
    /// </summary>
    public IEnumerable<TensorBatch> Cycle(BatchSampler sampler, int firstEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        _ = Batches(sampler, firstEpoch);
        return Endless(sampler, firstEpoch);
    }

    /// <summary>
    /// Splits into the first <paramref name="fraction"/> of the samples (rounded to the nearest count) and the rest,
    /// as contiguous ranges — e.g. DARTS's halves (0.5) or ENAS's last 10% as reward data (0.9). Both parts are
    /// views on the same device.
    /// </summary>
    public (TensorDataset First, TensorDataset Second) Split(double fraction)
    {
        long first = SplitCount(fraction);
        using var scope = NewDisposeScope();
        return (Part(Features.narrow(0, 0, first), Labels.narrow(0, 0, first)),
                Part(Features.narrow(0, first, Count - first), Labels.narrow(0, first, Count - first)));
    }

    /// <summary>
    /// Splits like <see cref="Split(double)"/>, but the samples are first shuffled with <paramref name="seed"/>;
    /// both parts are copies on the same device.
    /// </summary>
    public (TensorDataset First, TensorDataset Second) Split(double fraction, long seed)
    {
        long first = SplitCount(fraction);
        var order = SeededShuffle.Permutation(Count, seed, stream: -1);
        return (Subset(order.AsSpan(0, (int)first)), Subset(order.AsSpan((int)first)));
    }

    /// <summary>
    /// Splits like <see cref="Split(double, long)"/>, but stratified: every class is shuffled with <paramref name="seed"/>
    /// and divided in the same proportion, so both parts hold each class in its share of the data (to within one
    /// sample) whatever order the samples came in. The same labels and seed give the same parts. Both parts are copies on
    /// the same device. This is the split every strategy makes (DARTS's halves, ENAS's reward data, a validation fraction).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction would leave a part empty.</exception>
    public (TensorDataset First, TensorDataset Second) SplitStratified(double fraction, long seed)
    {
        long first = SplitCount(fraction);
        long[] labels;
        using (NewDisposeScope())
        {
            labels = Labels.cpu().data<long>().ToArray();
        }
        var (firstIndices, secondIndices) = StratifiedSplit.Indices(labels, first, seed);
        return (Subset(firstIndices), Subset(secondIndices));
    }

    /// <summary>A copy of the samples at <paramref name="indices"/>, on the same device.</summary>
    public TensorDataset Subset(ReadOnlySpan<long> indices)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (indices.IsEmpty)
        {
            throw new ArgumentException("A subset needs at least one index.", nameof(indices));
        }
        foreach (long index in indices)
        {
            if ((ulong)index >= (ulong)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"A sample index must be in [0, {Count}).");
            }
        }
        using var scope = NewDisposeScope();
        var onDevice = tensor(indices.ToArray(), device: Device);
        return Part(Features.index_select(0, onDevice), Labels.index_select(0, onDevice));
    }

    /// <summary>Releases the native memory of the features and labels.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Features.Dispose();
        Labels.Dispose();
    }

    private IEnumerable<TensorBatch> Enumerate(BatchSampler sampler, int epoch)
    {
        // Created outside every scope: the caller's per-step scopes open and close while this order is still in use.
        Tensor order;
        using (var scope = NewDisposeScope())
        {
            order = tensor(sampler.EpochOrder(epoch), device: Device).DetachFromDisposeScope();
        }
        try
        {
            foreach (var (start, length) in sampler.BatchRanges())
            {
                using var indices = order.narrow(0, start, length);
                yield return GetBatch(indices);
            }
        }
        finally
        {
            order.Dispose();
        }
    }

    private IEnumerable<TensorBatch> Endless(BatchSampler sampler, int firstEpoch)
    {
        for (int epoch = firstEpoch; ; epoch++)
        {
            foreach (var batch in Enumerate(sampler, epoch))
            {
                yield return batch;
            }
        }
    }

    private TensorDataset Part(Tensor features, Tensor labels) =>
        new(features.DetachFromDisposeScope(), labels.DetachFromDisposeScope(), ClassCount, Device);

    private long SplitCount(double fraction)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The split fraction must lie strictly between 0 and 1.");
        }
        long first = (long)Math.Round(fraction * Count, MidpointRounding.AwayFromZero);
        if (first == 0 || first == Count)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction,
                $"Splitting {Count} samples at {fraction} would leave one part empty ({first} and {Count - first} samples).");
        }
        return first;
    }
}
