using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Strategies.Gdas;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Gdas;

[TestClass]
public sealed class GumbelSoftmaxTests
{
    [TestMethod]
    public void Hard_sample_is_one_hot_in_the_forward_and_carries_the_soft_samples_gradient()
    {
        TorchRuntime.EnsureAvailable();
        double[] alpha = [0.5, -1.0, 2.0, 0.1];
        double[] noise = [0.3, 1.2, -0.4, 2.8];
        double[] cost = [1.0, 2.0, 3.0, 4.0];
        const double tau = 0.7;
        // By hand: z = log_softmax(alpha) + g, soft = softmax(z / tau); argmax z wins. L = Σ c_i soft_i has
        // dL/dalpha_k = soft_k (c_k − Σ c_i soft_i) / tau (log_softmax's part sums to zero).
        double logSum = Math.Log(alpha.Sum(Math.Exp));
        var z = alpha.Select((a, i) => (a - logSum + noise[i]) / tau).ToArray();
        double zMax = z.Max();
        var soft = z.Select(v => Math.Exp(v - zMax)).ToArray();
        double total = soft.Sum();
        soft = soft.Select(v => v / total).ToArray();
        int winner = Array.IndexOf(z, zMax);
        double mean = soft.Select((s, i) => s * cost[i]).Sum();
        var expectedGradient = soft.Select((s, k) => s * (cost[k] - mean) / tau).ToArray();
        Assert.AreEqual(3, winner, "the noise moves the sample off the largest alpha (index 2)");

        var (hardGradient, hardValues, softGradient) = (Gradient(hard: true), Values(), Gradient(hard: false));

        CollectionAssert.AreEqual(new double[] { 0, 0, 0, 1 }, hardValues, "exactly one-hot in the forward");
        for (int k = 0; k < alpha.Length; k++)
        {
            Assert.AreEqual(expectedGradient[k], softGradient[k], 1e-12, $"the soft sample's gradient by hand, entry {k}");
            Assert.AreEqual(softGradient[k], hardGradient[k], 1e-15, $"straight-through: the hard sample's gradient is the soft one's, entry {k}");
        }

        double[] Values()
        {
            using var scope = NewDisposeScope();
            var (hard, _, index) = GumbelSoftmax.Sample(tensor(alpha), tensor(noise), tau);
            Assert.AreEqual(winner, index.ToInt64());
            return hard.data<double>().ToArray();
        }

        double[] Gradient(bool hard)
        {
            using var scope = NewDisposeScope();
            var parameter = tensor(alpha).requires_grad_(true);
            var (hardSample, softSample, _) = GumbelSoftmax.Sample(parameter, tensor(noise), tau);
            ((hard ? hardSample : softSample) * tensor(cost)).sum().backward();
            return parameter.grad!.data<double>().ToArray();
        }
    }

    [TestMethod]
    public void Noise_is_finite_Gumbel_distributed_and_seeded()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        var like = zeros(200_000);
        random.manual_seed(4);
        var first = GumbelSoftmax.Noise(like);
        random.manual_seed(4);
        var again = GumbelSoftmax.Noise(like);

        Assert.IsTrue(first.isfinite().all().ToBoolean());
        Assert.IsTrue(first.equal(again).all().ToBoolean(), "the same seed draws the same noise");
        // Gumbel(0, 1): mean is the Euler–Mascheroni constant, variance π²/6; 200k draws put the mean within ~0.003.
        Assert.AreEqual(0.5772, first.mean().ToDouble(), 0.02);
        Assert.AreEqual(Math.PI * Math.PI / 6, first.var().ToDouble(), 0.05);
    }
}
