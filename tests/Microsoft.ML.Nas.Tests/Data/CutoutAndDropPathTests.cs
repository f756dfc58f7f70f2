using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Spaces.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Data;

[TestClass]
public sealed class CutoutAndDropPathTests
{
    [TestMethod]
    public void Cutout_zeroes_one_square_per_image_in_every_channel_clipped_at_the_border()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        var images = ones(64, 3, 12, 12);

        var cut = Cutout.Apply(images, 4);

        var zerosPerImage = cut.eq(0).sum([1, 2, 3]).data<long>().ToArray();
        Assert.IsTrue(zerosPerImage.All(z => z > 0 && z <= 3 * 16 && z % 3 == 0), "between 1 and 16 pixels, in all 3 channels");
        Assert.IsTrue(zerosPerImage.Any(z => z == 3 * 16), "a square away from the border is whole");
        Assert.IsTrue(zerosPerImage.Any(z => z < 3 * 16), "a square at the border is clipped");
        Assert.AreEqual(0, cut.eq(0).sum([1]).remainder(3).sum().ToInt64(), "a pixel is cut in every channel or none");
    }

    [TestMethod]
    public void Drop_path_zeroes_whole_samples_and_keeps_the_expectation()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var input = ones(4000, 2, 3, 3);

        var dropped = DropPath.Apply(input, 0.25);

        var perSample = dropped.sum([1, 2, 3]).data<float>().ToArray();
        Assert.IsTrue(perSample.All(s => s == 0 || Math.Abs(s - 18 / 0.75) < 1e-3), "each sample is dropped whole or scaled by 1/(1-p)");
        double kept = perSample.Count(s => s > 0) / 4000.0;
        Assert.AreEqual(0.75, kept, 0.03);
        Assert.AreSame(input, DropPath.Apply(input, 0), "p = 0 is the identity");
    }
}
