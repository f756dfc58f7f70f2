using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Runtime;

/// <summary>The substrate works end to end: a tiny CNN learns real digits, deterministically, with flat memory.</summary>
[TestClass]
public sealed class TrainingSmokeTests
{
    private const int Images = 384;
    private const int BatchSize = 32;

    [TestMethod]
    public void Tiny_cnn_loss_falls_on_a_few_hundred_real_digits()
    {
        var losses = Train(seed: 7, steps: 36);

        double first = losses.Take(3).Average();
        double last = losses.TakeLast(6).Average();
        Assert.IsTrue(first > 2.0, $"an untrained 10-class network starts near ln 10 ≈ 2.3, got {first:F3}");
        Assert.IsTrue(last < 0.6 * first, $"loss should fall well below its start: first {first:F3}, last {last:F3}");
    }

    [TestMethod]
    public void Same_seed_gives_the_same_losses_on_cpu()
    {
        var a = Train(seed: 3, steps: 6);
        var b = Train(seed: 3, steps: 6);
        var c = Train(seed: 4, steps: 6);

        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
    }

    private static List<float> Train(int seed, int steps)
    {
        TorchRuntime.ConfigureThreads();
        var device = DeviceSelection.Resolve("cpu");
        random.manual_seed(seed);
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..Images];
        using var x = tensor(digits.GetFeatures(indices), [Images, 1, 28, 28]).to(device);
        using var y = tensor(digits.GetLabels(indices)).to(device);
        using var model = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(4),
            nn.Flatten(), nn.Linear(8 * 7 * 7, 10));
        model.to(device);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1, momentum: 0.9);
        var losses = new List<float>();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            int start = step * BatchSize % Images;
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(x.narrow(0, start, BatchSize)), y.narrow(0, start, BatchSize));
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        return losses;
    }
}
