using System.Diagnostics;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Data;

[TestClass]
public sealed class BatchSamplerTests
{
    [TestMethod]
    public void Every_digit_is_seen_exactly_once_per_epoch_and_batches_hold_the_right_images()
    {
        var device = DeviceSelection.Resolve("auto");
        using var digits = TensorDatasetTests.LoadDigits(device);
        // A twin dataset whose single feature is the sample's index tells which digits each batch gathered.
        using var positions = TensorDataset.FromArrays(Enumerable.Range(0, (int)digits.Count).Select(i => (float)i).ToArray(), [1],
            TensorDatasetTests.Values(digits.Labels), device);
        var sampler = new BatchSampler(digits.Count, batchSize: 300, seed: 42);

        for (int epoch = 0; epoch < 2; epoch++)
        {
            var seen = new List<long>();
            foreach (var (batch, where) in digits.Batches(sampler, epoch).Zip(positions.Batches(sampler, epoch)))
            {
                using (batch)
                using (where)
                using (var scope = NewDisposeScope())
                {
                    var indices = where.Features.squeeze(1).to(ScalarType.Int64);
                    Assert.IsTrue(batch.Features.eq(digits.Features.index_select(0, indices)).all().item<bool>());
                    Assert.IsTrue(batch.Labels.eq(digits.Labels.index_select(0, indices)).all().item<bool>());
                    seen.AddRange(TensorDatasetTests.Values(indices));
                }
            }
            Assert.AreEqual(27, sampler.BatchesPerEpoch);
            Assert.IsTrue(seen.Order().SequenceEqual(Enumerable.Range(0, (int)digits.Count).Select(i => (long)i)), "each index once");
            Assert.IsFalse(seen.SequenceEqual(seen.Order()), "epoch order should be shuffled");
        }
    }

    [TestMethod]
    public void Same_seed_gives_same_batches_and_other_seeds_or_epochs_give_others()
    {
        var sampler = new BatchSampler(1000, 64, seed: 5);
        CollectionAssert.AreEqual(sampler.EpochOrder(3), new BatchSampler(1000, 64, seed: 5).EpochOrder(3));
        CollectionAssert.AreNotEqual(sampler.EpochOrder(3), sampler.EpochOrder(4));
        CollectionAssert.AreNotEqual(sampler.EpochOrder(3), new BatchSampler(1000, 64, seed: 6).EpochOrder(3));
        CollectionAssert.AreEqual(Enumerable.Range(0, 1000).Select(i => (long)i).ToArray(), new BatchSampler(1000, 64, shuffle: false).EpochOrder(2));
        // Pinned: the shuffle is our own SplitMix64 stream, so these indices are the same in every process and on every device.
        CollectionAssert.AreEqual(new long[] { 9, 4, 3, 0 }, new BatchSampler(10, 2, seed: 1).EpochOrder(0)[..4]);
    }

    [TestMethod]
    public void Drop_last_leaves_out_only_the_incomplete_batch()
    {
        using var data = TensorDataset.FromArrays(new float[10], [1], new long[10], CPU);
        var keep = new BatchSampler(10, 4, dropLast: false);
        var drop = new BatchSampler(10, 4, dropLast: true);

        CollectionAssert.AreEqual(new long[] { 4, 4, 2 }, Sizes(data, keep));
        CollectionAssert.AreEqual(new long[] { 4, 4 }, Sizes(data, drop));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BatchSampler(10, 11, dropLast: true));
        var mismatch = Assert.ThrowsExactly<ArgumentException>(() => data.Batches(new BatchSampler(9, 4), 0));
        StringAssert.Contains(mismatch.Message, "covers 9 samples but the dataset holds 10");
    }

    [TestMethod]
    public void A_single_left_over_sample_joins_the_batch_before_it()
    {
        using var data = TensorDataset.FromArrays(Enumerable.Range(0, 9).Select(i => (float)i).ToArray(), [1], new long[9], CPU);
        var sampler = new BatchSampler(9, 4, seed: 2);

        CollectionAssert.AreEqual(new long[] { 4, 5 }, Sizes(data, sampler));
        Assert.AreEqual(2, sampler.BatchesPerEpoch);
        CollectionAssert.AreEqual(new long[] { 4, 4 }, Sizes(data, new BatchSampler(9, 4, dropLast: true)));
        using var one = data.Subset([0]);
        CollectionAssert.AreEqual(new long[] { 1 }, Sizes(one, new BatchSampler(1, 4)));
        var seen = data.Batches(sampler, 0).SelectMany(batch =>
        {
            using (batch)
            {
                return batch.Features.data<float>().ToArray();
            }
        });
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 9).Select(i => (float)i).ToArray(), seen.ToArray());
    }

    [TestMethod]
    public void Cycle_runs_on_into_the_next_epoch()
    {
        using var data = TensorDataset.FromArrays(Enumerable.Range(0, 6).Select(i => (float)i).ToArray(), [1], new long[6], CPU);
        var sampler = new BatchSampler(6, 4, seed: 3);
        var drawn = new List<float>();
        foreach (var batch in data.Cycle(sampler).Take(4))
        {
            using (batch)
            {
                drawn.AddRange(batch.Features.data<float>().ToArray());
            }
        }
        var expected = sampler.EpochOrder(0).Concat(sampler.EpochOrder(1)).Select(i => (float)i).ToArray();
        CollectionAssert.AreEqual(expected, drawn);
    }

    [TestMethod]
    public void Batching_many_epochs_leaves_no_tensor_or_native_memory_behind()
    {
        var device = DeviceSelection.Resolve("auto");
        using var data = TensorDatasetTests.LoadDigits(device);
        var sampler = new BatchSampler(data.Count, batchSize: 500, seed: 1);
        var stats = DisposeScopeManager.Statistics;

        RunEpoch(data, sampler, 0, dispose: true);
        long liveBefore = stats.ThreadTotalLiveCount;
        long rssBefore = ResidentBytes();
        var clock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= 15; epoch++)
        {
            RunEpoch(data, sampler, epoch, dispose: true);
            Assert.AreEqual(liveBefore, stats.ThreadTotalLiveCount, $"tensors left alive after epoch {epoch}");
        }
        clock.Stop();
        long growth = ResidentBytes() - rssBefore;
        Console.WriteLine($"15 epochs × {sampler.BatchesPerEpoch} batches on {device}: {clock.Elapsed.TotalMilliseconds / 15:F1} ms per epoch, " +
            $"live tensors {liveBefore} → {stats.ThreadTotalLiveCount}, resident memory {rssBefore >> 20} → {(rssBefore + growth) >> 20} MB");
        // Each epoch gathers 8000 × 784 floats (25 MB); a leak of the batches would grow RSS by ~375 MB over 15 epochs.
        Assert.IsTrue(growth < 64L << 20, $"resident memory grew by {growth >> 20} MB over 15 epochs");

        // The probe is real: batches that are not disposed show up at once.
        RunEpoch(data, sampler, 16, dispose: false);
        Assert.AreEqual(liveBefore + 2 * sampler.BatchesPerEpoch, stats.ThreadTotalLiveCount);
    }

    private static void RunEpoch(TensorDataset data, BatchSampler sampler, int epoch, bool dispose)
    {
        foreach (var batch in data.Batches(sampler, epoch))
        {
            using (var scope = NewDisposeScope())
            {
                // A little device work per step, as a training step would do.
                _ = (batch.Features.mean() + batch.Labels.to(ScalarType.Float32).mean()).item<float>();
            }
            if (dispose)
            {
                batch.Dispose();
            }
        }
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    private static long[] Sizes(TensorDataset data, BatchSampler sampler) =>
        data.Batches(sampler, 0).Select(b => { using (b) { return b.Size; } }).ToArray();
}
