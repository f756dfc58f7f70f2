namespace Microsoft.ML.Nas.Data;

/// <summary>
/// Seeded permutations that are the same on every platform, device and .NET version: a SplitMix64 stream driving a
/// Fisher–Yates shuffle. Kept off libtorch's generator so that a CPU run and a CUDA run see the same batches.
/// </summary>
internal static class SeededShuffle
{
    /// <summary>A permutation of [0, <paramref name="count"/>) determined by (<paramref name="seed"/>, <paramref name="stream"/>).</summary>
    public static long[] Permutation(long count, long seed, long stream)
    {
        var order = new long[count];
        for (long i = 0; i < count; i++)
        {
            order[i] = i;
        }
        // Mixing the stream (the epoch) into the state gives independent orders per epoch, reproducible one by one,
        // so a run resumed at epoch k sees the batches an uninterrupted run would.
        ulong state = Mix(unchecked((ulong)seed) ^ Mix(unchecked((ulong)stream) + 0x9E3779B97F4A7C15UL));
        for (long i = count - 1; i > 0; i--)
        {
            long j = (long)Below(ref state, (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    // Lemire's multiply-shift maps a 64-bit draw to [0, bound); the bias (bound / 2^64) is far below anything a
    // shuffle of in-memory data could show, and avoiding rejection keeps the stream length fixed.
    private static ulong Below(ref ulong state, ulong bound) => (ulong)(((UInt128)Next(ref state) * bound) >> 64);

    private static ulong Next(ref ulong state)
    {
        state = unchecked(state + 0x9E3779B97F4A7C15UL);
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
