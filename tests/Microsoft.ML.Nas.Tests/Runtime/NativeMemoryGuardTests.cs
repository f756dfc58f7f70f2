using Microsoft.ML.Nas.Runtime;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Nas.Tests.Runtime;

[TestClass]
public sealed class NativeMemoryGuardTests
{
    private const long MiB = 1L << 20;

    [TestMethod]
    public void Guard_releases_first_then_only_when_resident_memory_outgrows_the_clean_footprint_by_the_slack()
    {
        var readings = new Queue<long>([500 * MiB, 300 * MiB, 320 * MiB, 329 * MiB, 331 * MiB, 310 * MiB, 340 * MiB]);
        int releases = 0;
        var guard = new NativeMemoryGuard(0.1, () => readings.Dequeue(), () => { releases++; return true; });

        Assert.IsTrue(guard.AfterPass(), "no footprint yet: the first pass releases so that the next one is measured clean");
        Assert.IsFalse(guard.AfterPass(), "300 MiB after a clean pass is the footprint itself");
        Assert.AreEqual(300 * MiB, guard.CleanFootprint);
        Assert.IsFalse(guard.AfterPass(), "320 is within 10% of 300");
        Assert.IsFalse(guard.AfterPass(), "329 is within 10% of 300");
        Assert.IsTrue(guard.AfterPass(), "331 is beyond 330");
        Assert.IsFalse(guard.AfterPass(), "the pass after a release is clean again; 310 raises the footprint");
        Assert.AreEqual(310 * MiB, guard.CleanFootprint);
        Assert.IsFalse(guard.AfterPass(), "340 is within 10% of 310");
        Assert.AreEqual(2, releases);
        Assert.AreEqual(2, guard.Releases);
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
        if (!OperatingSystem.IsLinux())
        {
            Assert.IsFalse(NativeHeap.Release(), "outside glibc there is nothing to call");
            return;
        }
        Assert.IsTrue(NativeHeap.IsSupported, "Linux with glibc has malloc_trim");
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
