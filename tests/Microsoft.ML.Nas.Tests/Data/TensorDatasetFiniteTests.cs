using Microsoft.ML.Nas.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Data;

/// <summary>A dataset refuses NaN and infinite features, naming the first bad sample and how many there are.</summary>
[TestClass]
public sealed class TensorDatasetFiniteTests
{
    [TestMethod]
    public void NaN_features_from_arrays_are_refused_with_the_first_bad_sample_and_the_count()
    {
        var features = Enumerable.Range(0, 40).Select(i => i / 40f).ToArray();
        features[13] = float.NaN;   // sample 3 of [4]
        features[14] = float.NaN;   // sample 3 again
        features[30] = float.NegativeInfinity;   // sample 7

        var error = Assert.ThrowsExactly<ArgumentException>(() => TensorDataset.FromArrays(features, [4], new long[10], CPU));

        Assert.AreEqual("features", error.ParamName);
        StringAssert.Contains(error.Message, "2 of 10 samples");
        StringAssert.Contains(error.Message, "sample 3");
    }

    [TestMethod]
    public void An_infinite_feature_tensor_is_refused_and_a_finite_one_accepted()
    {
        using var features = ones(6, 1, 2, 2);
        using var labels = zeros(6, dtype: ScalarType.Int64);
        using (var data = new TensorDataset(features, labels, CPU))
        {
            Assert.AreEqual(6, data.Count);
        }
        features[5, 0, 1, 1] = tensor(float.PositiveInfinity);

        var error = Assert.ThrowsExactly<ArgumentException>(() => new TensorDataset(features, labels, CPU));

        StringAssert.Contains(error.Message, "1 of 6 samples");
        StringAssert.Contains(error.Message, "sample 5");
    }
}
