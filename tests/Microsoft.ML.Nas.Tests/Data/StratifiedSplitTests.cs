using Microsoft.ML.Nas.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Data;

[TestClass]
public sealed class StratifiedSplitTests
{
    // 50 of class 0, 30 of class 1, 20 of class 2, sorted by label as a folder-per-class loader gives them.
    private static TensorDataset Sorted() => TensorDataset.FromArrays(
        Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), [1],
        Enumerable.Repeat(0L, 50).Concat(Enumerable.Repeat(1L, 30)).Concat(Enumerable.Repeat(2L, 20)).ToArray(), CPU, 3);

    private static long[] Counts(TensorDataset data) =>
        [.. Enumerable.Range(0, 3).Select(c => TensorDatasetTests.Values(data.Labels).LongCount(l => l == c))];

    [TestMethod]
    public void Both_parts_keep_every_class_in_its_share_whatever_the_order()
    {
        using var data = Sorted();

        var (first, second) = data.SplitStratified(0.5, seed: 3);
        var (train, reward) = data.SplitStratified(0.9, seed: 3);
        using (first) using (second) using (train) using (reward)
        {
            CollectionAssert.AreEqual(new long[] { 25, 15, 10 }, Counts(first));
            CollectionAssert.AreEqual(new long[] { 25, 15, 10 }, Counts(second));
            CollectionAssert.AreEqual(new long[] { 5, 3, 2 }, Counts(reward));
            var features = TensorDatasetTests.Values(first.Features.to(ScalarType.Int64)).Concat(TensorDatasetTests.Values(second.Features.to(ScalarType.Int64)));
            CollectionAssert.AreEquivalent(Enumerable.Range(0, 100).Select(i => (long)i).ToArray(), features.ToArray(), "a partition of the samples");
            CollectionAssert.AreNotEqual(TensorDatasetTests.Values(first.Labels).Order().ToArray(), TensorDatasetTests.Values(first.Labels), "a part is not grouped by class");
        }
    }

    [TestMethod]
    public void Uneven_shares_round_by_largest_remainder_to_the_exact_size()
    {
        using var data = Sorted();

        var (first, second) = data.SplitStratified(0.33, seed: 1);
        using (first) using (second)
        {
            Assert.AreEqual(33, first.Count);
            var counts = Counts(first);
            CollectionAssert.AreEqual(new long[] { 16, 10, 7 }, counts, "shares 16.5, 9.9 and 6.6 round to 16, 10 and 7");
        }
    }

    [TestMethod]
    public void The_same_seed_gives_the_same_parts_and_another_seed_others()
    {
        using var data = Sorted();
        long[] FirstPart(long seed)
        {
            var (first, second) = data.SplitStratified(0.5, seed);
            using (first) using (second)
            {
                return TensorDatasetTests.Values(first.Features.to(ScalarType.Int64));
            }
        }

        CollectionAssert.AreEqual(FirstPart(7), FirstPart(7));
        CollectionAssert.AreNotEquivalent(FirstPart(7), FirstPart(8));
    }
}
