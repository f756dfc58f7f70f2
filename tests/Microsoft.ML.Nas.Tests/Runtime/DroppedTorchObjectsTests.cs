using Microsoft.ML.Nas.Runtime;
using System.Runtime;
using System.Runtime.CompilerServices;
using TorchSharp;

namespace Microsoft.ML.Nas.Tests.Runtime;

[TestClass]
public sealed class DroppedTorchObjectsTests
{
    [TestMethod]
    public void Free_gives_back_the_native_memory_of_scalars_dropped_without_dispose()
    {
        TorchRuntime.EnsureAvailable();
        if (!NativeHeap.IsSupported)
        {
            Assert.IsNull(NativeHeap.Usage(), "without glibc's own malloc there is no mallinfo2 to read");
        }
        GlibcHeap.Require();
        const int Count = 20_000;
        // A first round grows the runtime's own bookkeeping (its finalization queue) to this many objects.
        DropScalars(Count);
        DroppedTorchObjects.Free();
        long before = NativeHeap.Usage()!.Value.InUse;
        DropScalars(Count);
        long dropped = NativeHeap.Usage()!.Value.InUse - before;
        // A c10::Scalar is 32 bytes; anything less than 16 bytes each means the scalars were not held natively.
        Assert.IsTrue(dropped >= Count * 16L, $"{Count} dropped scalars hold only {dropped} bytes of the C heap");

        DroppedTorchObjects.Free();

        long left = NativeHeap.Usage()!.Value.InUse - before;
        Assert.IsTrue(left < dropped / 10, $"after Free the dropped scalars still hold {left} of {dropped} bytes");
    }

    [TestMethod]
    public void Free_runs_the_finalizers_of_objects_dropped_since_the_last_collection()
    {
        DroppedTorchObjects.Free();
        Interlocked.Exchange(ref FinalizedProbe.Count, 0);
        const int Count = 100;
        for (int i = 0; i < Count; i++)
        {
            DropProbe();
        }

        DroppedTorchObjects.Free();

        Assert.AreEqual(Count, Volatile.Read(ref FinalizedProbe.Count), "every dropped object's finalizer has run when Free returns");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropProbe() => _ = new FinalizedProbe();

    private sealed class FinalizedProbe
    {
        public static int Count;

        ~FinalizedProbe() => Interlocked.Increment(ref Count);
    }

    private static void DropScalars(int count)
    {
        // No collection may run while the scalars are dropped, or some would be freed before the measurement.
        Assert.IsTrue(GC.TryStartNoGCRegion(64L << 20), "could not suspend garbage collection for the measurement");
        try
        {
            for (int i = 0; i < count; i++)
            {
                DropScalar(i);
            }
        }
        finally
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropScalar(int value) => _ = value.ToScalar();
}
