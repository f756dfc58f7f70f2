namespace Microsoft.ML.Nas.Data;

/// <summary>
/// Seeded, stratified splits of a labelled data set: every class is shuffled on its own and divided in the requested
/// proportion, so both parts hold every class in its share whatever order the samples came in (a folder-per-class
/// image loader sorts them by label, and a contiguous split of such data holds one or two classes).
/// </summary>
/// <remarks>
/// The result depends only on the labels and the seed. A class's share of the first part is rounded by largest
/// remainder, so the first part has exactly the requested size and no class is off its share by a sample or more.
/// Each part is returned in a seeded shuffled order, so neither comes grouped by class.
/// </remarks>
internal static class StratifiedSplit
{
    /// <summary>The indices of the first part (<paramref name="firstCount"/> samples) and of the rest.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstCount"/> is outside [0, labels.Length].</exception>
    public static (long[] First, long[] Second) Indices(ReadOnlySpan<long> labels, long firstCount, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstCount, labels.Length);
        var members = new SortedDictionary<long, List<long>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!members.TryGetValue(labels[i], out var list))
            {
                members[labels[i]] = list = [];
            }
            list.Add(i);
        }
        var classes = members.ToArray();
        var quotas = Quotas(classes.Select(c => (long)c.Value.Count).ToArray(), firstCount, labels.Length);
        var first = new List<long>((int)firstCount);
        var second = new List<long>(labels.Length - (int)firstCount);
        for (int c = 0; c < classes.Length; c++)
        {
            var (label, indices) = classes[c];
            // A stream per class (below the epochs' streams, which are ≥ 0, and the plain seeded split's −1).
            var order = SeededShuffle.Permutation(indices.Count, seed, stream: -2 - label);
            for (int i = 0; i < order.Length; i++)
            {
                (i < quotas[c] ? first : second).Add(indices[(int)order[i]]);
            }
        }
        return (Shuffled(first, seed, long.MinValue), Shuffled(second, seed, long.MinValue + 1));
    }

    // Largest remainder: each class gets floor(n_c · k / N), and the samples left go to the largest remainders (ties to
    // the smaller label), so the quotas sum to k and each lies within one sample of its exact share.
    private static long[] Quotas(long[] sizes, long firstCount, long total)
    {
        var quotas = sizes.Select(n => n * firstCount / total).ToArray();
        long left = firstCount - quotas.Sum();
        foreach (int c in Enumerable.Range(0, sizes.Length).OrderByDescending(c => sizes[c] * firstCount % total).ThenBy(c => c).Take((int)left))
        {
            quotas[c]++;
        }
        return quotas;
    }

    private static long[] Shuffled(List<long> indices, long seed, long stream)
    {
        var order = SeededShuffle.Permutation(indices.Count, seed, stream);
        return order.Select(i => indices[(int)i]).ToArray();
    }
}
