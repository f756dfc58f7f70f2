using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Tests.Runtime;

[TestClass]
public sealed class DroppedObjectsPacerTests
{
    [TestMethod]
    public void Collections_take_no_more_than_their_share_of_the_time_between_them()
    {
        var now = TimeSpan.Zero;
        var pacer = new DroppedObjectsPacer(0.05, () => now, () => now += TimeSpan.FromMilliseconds(10));

        Assert.IsTrue(pacer.AfterPass(), "the first pass collects");
        var collectedAt = new List<double>();
        for (int pass = 0; pass < 100; pass++)
        {
            now += TimeSpan.FromMilliseconds(40);
            if (pacer.AfterPass())
            {
                collectedAt.Add(now.TotalMilliseconds);
            }
        }

        // A 10 ms collection may follow only 200 ms of training: every fifth 40 ms pass.
        Assert.AreEqual(20, collectedAt.Count);
        Assert.IsTrue(collectedAt.Zip(collectedAt.Skip(1), (a, b) => b - a).All(gap => gap >= 200), string.Join(", ", collectedAt));
        Assert.AreEqual(21, pacer.Collections);
    }

    [TestMethod]
    public void Passes_long_against_the_collection_collect_every_time()
    {
        var now = TimeSpan.Zero;
        var pacer = new DroppedObjectsPacer(0.05, () => now, () => now += TimeSpan.FromMilliseconds(10));

        for (int pass = 0; pass < 10; pass++)
        {
            now += TimeSpan.FromSeconds(1);
            Assert.IsTrue(pacer.AfterPass(), $"pass {pass}");
        }
    }

    [TestMethod]
    public void The_time_share_must_be_a_fraction_above_zero()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DroppedObjectsPacer(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DroppedObjectsPacer(1.5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DroppedObjectsPacer(double.NaN));
        Assert.AreEqual(DroppedObjectsPacer.DefaultTimeShare, new DroppedObjectsPacer().TimeShare);
    }
}
