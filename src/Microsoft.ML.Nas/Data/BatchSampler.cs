namespace Microsoft.ML.Nas.Data;

/// <summary>
/// Decides which sample indices form each mini-batch of each epoch: shuffled with a seed (the same seed gives the same
/// batches, epoch by epoch, on any device) or in order, keeping or dropping a last incomplete batch.
/// </summary>
/// <remarks>
/// The order of epoch <c>e</c> depends only on (<see cref="Seed"/>, <c>e</c>), so training resumed from a checkpoint
/// at epoch <c>e</c> sees the batches an uninterrupted run would. Batches themselves are gathered by
/// <see cref="TensorDataset.Batches(BatchSampler, int)"/> with one index_select on the device.
/// A last batch of a single sample joins the batch before it (which then holds <see cref="BatchSize"/> + 1): batch
/// normalization in training cannot normalize one sample of a vector (its unbiased variance is 0/0, and the NaN would
/// enter the running statistics that the trained model scores with).
/// </remarks>
public sealed class BatchSampler
{
    /// <summary>Creates a sampler over <paramref name="count"/> samples.</summary>
    /// <param name="count">Number of samples in the dataset being batched.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a fresh seeded order (else in index order).</param>
    /// <param name="dropLast">Whether to leave out the last batch of an epoch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="seed">Seed of the shuffles.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or size is not positive, or <paramref name="dropLast"/> would leave no batch.</exception>
    public BatchSampler(long count, int batchSize, bool shuffle = true, bool dropLast = false, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (dropLast && batchSize > count)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"With dropLast the batch size must be at most the {count} samples, or every batch would be dropped.");
        }
        Count = count;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Seed = seed;
    }

    /// <summary>Number of samples batched.</summary>
    public long Count { get; }

    /// <summary>
    /// Samples per batch (the last batch of an epoch may be smaller unless <see cref="DropLast"/>, and holds one more
    /// where a single sample would be left over).
    /// </summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch uses a fresh seeded order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a last incomplete batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>Seed of the shuffles.</summary>
    public long Seed { get; }

    /// <summary>Number of batches in every epoch.</summary>
    public long BatchesPerEpoch => DropLast || LastSampleJoinsPreviousBatch ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    private bool LastSampleJoinsPreviousBatch => !DropLast && Count > BatchSize && Count % BatchSize == 1;

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the samples: a permutation of [0, Count).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public long[] EpochOrder(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (Shuffle)
        {
            return SeededShuffle.Permutation(Count, Seed, epoch);
        }
        var order = new long[Count];
        for (long i = 0; i < Count; i++)
        {
            order[i] = i;
        }
        return order;
    }

    /// <summary>The (start, length) ranges of <see cref="EpochOrder"/> that form the batches of an epoch.</summary>
    public IEnumerable<(long Start, long Length)> BatchRanges()
    {
        long batches = BatchesPerEpoch;
        for (long b = 0; b < batches; b++)
        {
            long start = b * BatchSize;
            // The last batch takes what is left: fewer than BatchSize, or BatchSize + 1 where one sample would be alone.
            yield return (start, b == batches - 1 && !DropLast ? Count - start : BatchSize);
        }
    }
}
