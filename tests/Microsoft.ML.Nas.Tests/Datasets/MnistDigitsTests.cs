using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;

namespace Microsoft.ML.Nas.Tests.Datasets;

[TestClass]
public sealed class MnistDigitsTests
{
    [TestMethod]
    public void Embedded_set_has_ten_thousand_images_with_the_published_class_counts()
    {
        var digits = MnistDigits.Load();

        Assert.AreEqual(MnistDigits.Count, digits.Labels.Length);
        Assert.AreEqual(MnistDigits.Count * MnistDigits.PixelsPerImage, digits.Pixels.Length);
        var counts = new int[10];
        foreach (var label in digits.Labels)
        {
            counts[label]++;
        }
        CollectionAssert.AreEqual(new[] { 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 }, counts);
    }

    [TestMethod]
    public void Images_are_real_digits_not_blank_or_noise()
    {
        var digits = MnistDigits.Load();
        var pixels = digits.Pixels;

        // MNIST digits are centred ink on a black border: the 2-pixel frame is (almost) empty, the centre is inked.
        double frame = 0, centre = 0;
        for (int image = 0; image < MnistDigits.Count; image++)
        {
            var p = pixels.Slice(image * MnistDigits.PixelsPerImage, MnistDigits.PixelsPerImage);
            for (int y = 0; y < 28; y++)
            {
                for (int x = 0; x < 28; x++)
                {
                    bool onFrame = y < 2 || y >= 26 || x < 2 || x >= 26;
                    bool inCentre = y is >= 10 and < 18 && x is >= 10 and < 18;
                    if (onFrame) frame += p[y * 28 + x];
                    if (inCentre) centre += p[y * 28 + x];
                }
            }
        }
        Assert.IsTrue(centre > 50 * frame, $"centre ink {centre} vs frame ink {frame}");
    }

    [TestMethod]
    public void Split_is_fixed_disjoint_and_covers_every_image()
    {
        var digits = MnistDigits.Load();
        var train = digits.TrainIndices.ToArray();
        var test = digits.TestIndices.ToArray();

        Assert.AreEqual(MnistDigits.TrainCount, train.Length);
        Assert.AreEqual(MnistDigits.TestCount, test.Length);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, MnistDigits.Count).ToArray(), train.Concat(test).ToArray());
        // Shuffled, not the package's digit-by-digit order: every class appears in the test part.
        Assert.AreEqual(10, digits.GetLabels(test).Distinct().Count());
        // Fixed: the same first indices in every process (this pins System.Random's seeded sequence too).
        CollectionAssert.AreEqual(FirstTrainIndices, train.Take(FirstTrainIndices.Length).ToArray());
    }

    [TestMethod]
    public void Data_view_has_key_ready_label_and_known_size_features()
    {
        var ml = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var view = digits.TestData(ml);

        var features = view.Schema["Features"].Type as VectorDataViewType;
        Assert.IsNotNull(features);
        Assert.AreEqual(NumberDataViewType.Single, features.ItemType);
        Assert.AreEqual(MnistDigits.PixelsPerImage, features.Size);
        Assert.AreEqual(NumberDataViewType.UInt32, view.Schema["Label"].Type);

        var rows = ml.Data.CreateEnumerable<MnistDigitRow>(view, reuseRowObject: false).ToList();
        Assert.AreEqual(MnistDigits.TestCount, rows.Count);
        int first = digits.TestIndices[0];
        Assert.AreEqual((uint)digits.Labels[first], rows[0].Label);
        CollectionAssert.AreEqual(digits.GetFeatures([first]), rows[0].Features);
        Assert.IsTrue(rows.All(r => r.Features.All(v => v is >= 0f and <= 1f)));
    }

    [TestMethod]
    public void Out_of_range_index_names_the_valid_range()
    {
        var digits = MnistDigits.Load();
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => digits.GetLabels([10_000]));
        StringAssert.Contains(error.Message, "[0, 10000)");
    }

    private static readonly int[] FirstTrainIndices = [2555, 6713, 3925, 7580, 1648, 3229, 4749, 4667];
}
