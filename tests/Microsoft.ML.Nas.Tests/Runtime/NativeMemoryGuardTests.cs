using Microsoft.ML.Nas.Runtime;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Nas.Tests.Runtime;

[TestClass]
public sealed class NativeMemoryGuardTests
{
    private const long MiB = 1L << 20;

    [TestMethod]
    public void Guard_releases_first_then_only_when_resident_memory_outgrows_the_measured_footprint_by_the_slack()
    {
        long[] window1 = [300, 330, 300, 330, 300, 340, 300, 330];
        long[] window2 = [310, 350, 310, 360, 310, 350, 310, 350];
        var readings = new Queue<long>(new long[] { 500 }.Concat(window1).Concat([370, 375]).Concat(window2).Concat([390]).Select(m => m * MiB));
        int releases = 0;
        var guard = new NativeMemoryGuard(0.1, () => readings.Dequeue(), () => { releases++; return true; });

        Assert.IsTrue(guard.AfterPass(), "no footprint yet: the first pass releases so that the next ones are measured");
        for (int i = 0; i < NativeMemoryGuard.MeasuredPasses; i++)
        {
            Assert.IsFalse(guard.AfterPass(), $"pass {i + 1} after the release is measured, not released after");
        }
        Assert.AreEqual(340 * MiB, guard.CleanFootprint, "the largest of the measured passes");
        Assert.IsFalse(guard.AfterPass(), "370 is within 10% of 340");
        Assert.IsTrue(guard.AfterPass(), "375 is beyond 374");
        for (int i = 0; i < NativeMemoryGuard.MeasuredPasses; i++)
        {
            Assert.IsFalse(guard.AfterPass());
        }
        Assert.AreEqual(360 * MiB, guard.CleanFootprint, "the passes after the second release raised the footprint");
        Assert.IsFalse(guard.AfterPass(), "390 is within 10% of 360");
        Assert.AreEqual(2, releases);
        Assert.AreEqual(2, guard.Releases);
    }

    [TestMethod]
    public void A_step_whose_passes_differ_in_size_is_not_released_after_every_step()
    {
        // DARTS alternates an architecture pass and a larger weight pass: the weight pass is no growth.
        var readings = new Queue<long>(new long[] { 500 }.Concat(Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? 300L : 340L)).Select(m => m * MiB));
        var guard = new NativeMemoryGuard(0.1, () => readings.Dequeue(), () => true);

        for (int i = 0; i < 201; i++)
        {
            guard.AfterPass();
        }

        Assert.AreEqual(1, guard.Releases, "only the first pass, which had no footprint to compare with, released");
        Assert.AreEqual(340 * MiB, guard.CleanFootprint);
    }

    [TestMethod]
    public void A_release_that_fails_does_not_make_the_next_pass_count_as_clean()
    {
        var readings = new Queue<long>([900 * MiB, 950 * MiB]);
        var guard = new NativeMemoryGuard(0.1, () => readings.Dequeue(), () => false);

        Assert.IsFalse(guard.AfterPass());
        Assert.IsFalse(guard.AfterPass());
        Assert.IsNull(guard.CleanFootprint, "memory that was never released is no footprint");
        Assert.AreEqual(0, guard.Releases);
    }

    [TestMethod]
    public void Slack_must_be_a_non_negative_fraction()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NativeMemoryGuard(-0.1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NativeMemoryGuard(double.NaN));
        Assert.AreEqual(0.0, new NativeMemoryGuard(0).Slack);
    }

    [TestMethod]
    public void Releasing_the_heap_returns_freed_blocks_to_the_operating_system()
    {
        if (!NativeHeap.IsSupported)
        {
            Assert.IsFalse(NativeHeap.Release(), "without glibc's malloc there is nothing to call");
        }
        GlibcHeap.Require();
        // Blocks of 64 KiB come from the C heap whatever glibc's mmap threshold, like libtorch's CPU tensors. Freeing
        // every other one leaves holes between blocks still in use: glibc cannot merge them into a heap top it would
        // trim by itself, so they stay resident, as a fragmented heap's do.
        const int BlockBytes = 64 * 1024, Blocks = 6400;
        var filler = Enumerable.Repeat((byte)1, BlockBytes).ToArray();
        var blocks = new IntPtr[Blocks];
        NativeHeap.Release();
        long before = NativeHeap.ResidentBytes();
        for (int i = 0; i < Blocks; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(BlockBytes);
            Marshal.Copy(filler, 0, blocks[i], BlockBytes);
        }
        for (int i = 0; i < Blocks; i += 2)
        {
            Marshal.FreeHGlobal(blocks[i]);
        }
        long afterFree = NativeHeap.ResidentBytes();
        Assert.IsTrue(NativeHeap.Release());
        long afterRelease = NativeHeap.ResidentBytes();
        for (int i = 1; i < Blocks; i += 2)
        {
            Marshal.FreeHGlobal(blocks[i]);
        }

        string trace = $"resident {before / MiB} MiB, {afterFree / MiB} after filling 400 MiB and freeing half, {afterRelease / MiB} after the release";
        Console.WriteLine(trace);
        Assert.IsTrue(afterFree - before > 350 * MiB, $"freed blocks between used ones stay resident: {trace}");
        Assert.IsTrue(afterFree - afterRelease > 150 * MiB, $"the release hands the freed 200 MiB back: {trace}");
    }
}
