using Microsoft.ML.Nas.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Data;

[TestClass]
public sealed class RandomShiftTests
{
    [TestMethod]
    public void Each_image_moves_by_its_own_offset_within_the_limit_and_keeps_its_content()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        const int n = 64, shift = 2;
        // One lit pixel per image, away from the border so that no shift can push it out.
        var images = zeros(n, 2, 12, 12);
        for (int i = 0; i < n; i++)
        {
            images[i, TensorIndex.Colon, 6, 5] = tensor(new float[] { 1f, 2f });
        }

        var shifted = RandomShift.Apply(images, shift);

        CollectionAssert.AreEqual(images.shape, shifted.shape);
        var offsets = new HashSet<(long, long)>();
        for (int i = 0; i < n; i++)
        {
            var lit = shifted[i, 0].nonzero();
            Assert.AreEqual(1L, lit.shape[0], "the pixel survives, exactly once");
            long dy = lit[0, 0].item<long>() - 6, dx = lit[0, 1].item<long>() - 5;
            Assert.IsTrue(Math.Abs(dy) <= shift && Math.Abs(dx) <= shift, $"offset ({dy}, {dx}) exceeds {shift}");
            // Every channel moves together.
            Assert.AreEqual(2f, shifted[i, 1, 6 + dy, 5 + dx].item<float>());
            offsets.Add((dy, dx));
        }
        Assert.IsTrue(offsets.Count > 10, $"64 images should see many of the 25 offsets, saw {offsets.Count}");
    }

    [TestMethod]
    public void Border_content_shifted_out_is_replaced_by_zeros()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        var images = ones(32, 1, 8, 8);

        var shifted = RandomShift.Apply(images, 3);

        // A shifted all-ones image has ones in an (8-|dy|)×(8-|dx|) block and zeros elsewhere.
        var sums = shifted.sum([1, 2, 3]);
        Assert.IsTrue(sums.le(64).all().item<bool>());
        Assert.IsTrue(sums.lt(64).any().item<bool>(), "some image must have moved");
        Assert.IsTrue(sums.ge(25).all().item<bool>(), "no image moves more than 3 pixels per axis");
    }

    [TestMethod]
    public void Zero_shift_returns_the_batch_and_non_images_are_rejected()
    {
        using var scope = NewDisposeScope();
        var images = rand(2, 1, 4, 4);
        Assert.AreSame(images, RandomShift.Apply(images, 0));
        var error = Assert.ThrowsExactly<ArgumentException>(() => RandomShift.Apply(rand(2, 16), 2));
        StringAssert.Contains(error.Message, "[2, 16]");
    }
}
