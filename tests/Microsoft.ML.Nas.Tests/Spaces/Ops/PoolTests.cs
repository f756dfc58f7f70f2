using Microsoft.ML.Nas.Spaces.Ops;
using static Microsoft.ML.Nas.Tests.Spaces.Ops.OpAssertions;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Spaces.Ops;

[TestClass]
public sealed class PoolTests
{
    [TestMethod]
    [DataRow(1, 28, 28, 8)]
    [DataRow(2, 28, 28, 8)]
    [DataRow(1, 7, 5, 8)]
    [DataRow(2, 7, 5, 8)]
    [DataRow(1, 28, 28, 2)] // below ChannelsLast.MinimumChannels: the NCHW kernel's route
    [DataRow(2, 7, 5, 3)]
    public void Max_pool_gives_libtorchs_values_and_routes_each_gradient_to_the_windows_first_maximum(int stride, int height, int width, int channels)
    {
        using var scope = NewDisposeScope();
        using var pool = new Pool(PoolKind.Max, stride);
        // Values from {0, …, 3} put ties in almost every window, so a kernel that routed a tie's gradient to another
        // position than the first maximum would show in the input gradient.
        var values = randint(0, 4, [4, channels, height, width], device: TestDevice).to_type(ScalarType.Float32);
        var ours = values.clone().requires_grad_(true);
        var reference = values.clone().requires_grad_(true);
        var upstream = randn(ExpectedShape(stride, height, width, channels), device: TestDevice);

        var output = pool.call(ours);
        var expected = nn.functional.max_pool2d(reference, 3, stride, 1);
        (output * upstream).sum().backward();
        (expected * upstream).sum().backward();

        Assert.IsTrue(output.is_contiguous(), "The pool's output is a contiguous NCHW tensor.");
        Assert.IsTrue(output.eq(expected).all().item<bool>(), "Pooled values differ from max_pool2d's.");
        Assert.IsTrue(ours.grad!.eq(reference.grad!).all().item<bool>(), "The input gradient is routed differently from max_pool2d's.");
    }

    [TestMethod]
    [DataRow(1, 28, 28, 8)]
    [DataRow(2, 28, 28, 8)]
    [DataRow(1, 7, 5, 3)]
    [DataRow(2, 7, 5, 3)]
    public void Average_pool_gives_libtorchs_padding_excluded_means_and_gradients(int stride, int height, int width, int channels)
    {
        using var scope = NewDisposeScope();
        using var pool = new Pool(PoolKind.Average, stride);
        var values = randn([4, channels, height, width], device: TestDevice);
        var ours = values.clone().requires_grad_(true);
        var reference = values.clone().requires_grad_(true);
        var upstream = randn(ExpectedShape(stride, height, width, channels), device: TestDevice);

        // Twice: the second call reuses what the first cached for this shape.
        for (int call = 0; call < 2; call++)
        {
            var output = pool.call(ours);
            var expected = nn.functional.avg_pool2d(reference, 3, stride, 1, count_include_pad: false);
            (output * upstream).sum().backward();
            (expected * upstream).sum().backward();
            Assert.IsTrue(output.allclose(expected, rtol: 1e-5, atol: 1e-6), $"Call {call}: means differ from avg_pool2d's.");
        }
        Assert.IsTrue(ours.grad!.allclose(reference.grad!, rtol: 1e-5, atol: 1e-6), "Input gradients differ from avg_pool2d's.");

        // A constant image keeps its value up to the border: the padding is not counted.
        var constant = pool.call(full([1, channels, height, width], 3.0f, device: TestDevice));
        Assert.IsTrue(constant.allclose(full(constant.shape, 3.0f, device: TestDevice)), "The border is pulled toward the zero padding.");
    }

    [TestMethod]
    public void Average_pool_follows_the_input_to_double_precision_and_a_new_size()
    {
        using var scope = NewDisposeScope();
        using var pool = new Pool(PoolKind.Average);
        var single = randn([2, 4, 9, 9], device: TestDevice);
        Assert.AreEqual(ScalarType.Float32, pool.call(single).dtype);
        var input = randn([2, 4, 6, 11], dtype: ScalarType.Float64, device: TestDevice);
        var output = pool.call(input);
        Assert.AreEqual(ScalarType.Float64, output.dtype);
        Assert.IsTrue(output.allclose(nn.functional.avg_pool2d(input, 3, 1, 1, count_include_pad: false), rtol: 1e-12, atol: 1e-12));
    }

    private static long[] ExpectedShape(int stride, int height, int width, int channels) =>
        [4, channels, (height - 1) / stride + 1, (width - 1) / stride + 1];
}
