using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Data;

[TestClass]
public sealed class TensorDatasetTests
{
    private static readonly long[] ImageShape = [1, MnistDigits.Side, MnistDigits.Side];

    [TestMethod]
    public void Digits_become_one_feature_tensor_and_one_label_tensor_on_the_chosen_device()
    {
        var device = DeviceSelection.Resolve("auto");
        using var data = LoadDigits(device);

        Assert.AreEqual(MnistDigits.TrainCount, data.Count);
        CollectionAssert.AreEqual(new long[] { MnistDigits.TrainCount, 1, 28, 28 }, data.Features.shape);
        CollectionAssert.AreEqual(ImageShape, data.SampleShape.ToArray());
        Assert.AreEqual(device.type, data.Features.device.type);
        Assert.AreEqual(device.type, data.Labels.device.type);
        Assert.IsTrue(data.Features.is_contiguous());
        var digits = MnistDigits.Load();
        Assert.AreEqual(digits.GetLabels(digits.TrainIndices)[123], data.Labels[123].item<long>());
        Assert.AreEqual(digits.GetFeatures(digits.TrainIndices[5..6])[400], data.Features[5, 0, 14, 8].item<float>());
    }

    [TestMethod]
    public void Dataset_made_inside_a_dispose_scope_outlives_the_scope()
    {
        TensorDataset data;
        using (var scope = NewDisposeScope())
        {
            data = TensorDataset.FromArrays(new float[6], [3], [0L, 1L], DeviceSelection.Resolve("auto"));
        }
        using (data)
        {
            Assert.AreEqual(0f, data.Features.sum().item<float>());
        }
    }

    [TestMethod]
    public void Feature_and_label_counts_that_differ_are_named_in_the_error()
    {
        using var features = zeros(5, 3);
        using var labels = zeros(4, dtype: ScalarType.Int64);
        var error = Assert.ThrowsExactly<ArgumentException>(() => new TensorDataset(features, labels, CPU));
        StringAssert.Contains(error.Message, "5 samples");
        StringAssert.Contains(error.Message, "labels hold 4");
    }

    [TestMethod]
    public void Label_outside_the_class_range_is_named_with_its_sample()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(
            () => TensorDataset.FromArrays(new float[8], [2], [0L, 3L, 10L, 1L], CPU, classCount: 10));
        StringAssert.Contains(error.Message, "[0, 10)");
        StringAssert.Contains(error.Message, "found 10 at sample 2");
        var negative = Assert.ThrowsExactly<ArgumentException>(() => TensorDataset.FromArrays(new float[2], [1], [0L, -1L], CPU));
        StringAssert.Contains(negative.Message, "found -1 at sample 1");
    }

    [TestMethod]
    public void Wrong_types_and_array_lengths_are_rejected_with_the_expected_form()
    {
        using var doubles = zeros(2, 3, dtype: ScalarType.Float64);
        using var labels = zeros(2, dtype: ScalarType.Int64);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new TensorDataset(doubles, labels, CPU)).Message, "float32");
        using var features = zeros(2, 3);
        using var intLabels = zeros(2, dtype: ScalarType.Int32);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new TensorDataset(features, intLabels, CPU)).Message, "int64");
        var length = Assert.ThrowsExactly<ArgumentException>(() => TensorDataset.FromArrays(new float[7], [1, 2, 2], [0L, 1L], CPU));
        StringAssert.Contains(length.Message, "needs 8");
    }

    [TestMethod]
    public void Contiguous_split_keeps_order_and_seeded_split_partitions_every_sample()
    {
        using var data = TensorDataset.FromArrays(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), [1],
            Enumerable.Range(0, 10).Select(i => (long)i).ToArray(), DeviceSelection.Resolve("auto"));

        var (train, reward) = data.Split(0.9);
        using (train)
        using (reward)
        {
            CollectionAssert.AreEqual(Enumerable.Range(0, 9).Select(i => (long)i).ToArray(), Values(train.Labels));
            CollectionAssert.AreEqual(new long[] { 9 }, Values(reward.Labels));
            Assert.AreEqual(data.Device.type, reward.Features.device.type);
        }
        var (a, b) = data.Split(0.5, seed: 7);
        var (a2, _) = data.Split(0.5, seed: 7);
        using (a) using (b) using (a2)
        {
            Assert.AreEqual(5, a.Count);
            CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).Select(i => (long)i).ToArray(), Values(a.Labels).Concat(Values(b.Labels)).ToArray());
            CollectionAssert.AreEqual(Values(a.Labels), Values(a2.Labels));
            CollectionAssert.AreNotEqual(Enumerable.Range(0, 5).Select(i => (long)i).ToArray(), Values(a.Labels));
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => data.Split(1.0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => data.Split(0.01));
    }

    internal static TensorDataset LoadDigits(Device device)
    {
        var digits = MnistDigits.Load();
        return TensorDataset.FromArrays(digits.GetFeatures(digits.TrainIndices), ImageShape, digits.GetLabels(digits.TrainIndices),
            device, MnistDigits.ClassCount);
    }

    internal static long[] Values(Tensor labels)
    {
        using var cpu = labels.cpu();
        return cpu.data<long>().ToArray();
    }
}
