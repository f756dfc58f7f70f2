namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// The draws of sampling strategies (ENAS's controller, the random mutator, evolution): a SplitMix64 stream whose whole
/// state is one number, so a checkpoint can save it and a resumed search draws exactly what an uninterrupted one would.
/// </summary>
internal sealed class SamplerRandom(ulong state)
{
    /// <summary>The stream position; setting it replays the stream from there.</summary>
    public ulong State { get; set; } = state;

    /// <summary>The stream of <paramref name="seed"/> (negative seeds are as good as positive ones).</summary>
    public static SamplerRandom FromSeed(int seed) => new(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL));

    /// <summary>A uniform number in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="count"/>) (Lemire's multiply-shift on 32 random bits).</summary>
    public int Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return (int)(((Next() >> 32) * (ulong)count) >> 32);
    }

    /// <summary>A standard normal number (Box–Muller).</summary>
    public double NextGaussian()
    {
        double u = 1 - NextDouble(), v = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>Draws an index with probability proportional to <paramref name="weights"/> (non-negative, not all zero).</summary>
    public int Categorical(ReadOnlySpan<float> weights)
    {
        double total = 0;
        foreach (var w in weights)
        {
            total += w;
        }
        double target = NextDouble() * total, cumulative = 0;
        int last = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] <= 0)
            {
                continue;
            }
            cumulative += weights[i];
            last = i;
            if (target < cumulative)
            {
                return i;
            }
        }
        // Rounding can leave the target just above the last cumulative sum: the last possible index is the right answer.
        return last;
    }

    private ulong Next()
    {
        unchecked
        {
            State += 0x9E3779B97F4A7C15UL;
            ulong z = State;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
