using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Strategies.Proxyless;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using static Microsoft.ML.Nas.Tests.Strategies.SinglePathFixture;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Proxyless;

/// <summary>ProxylessNAS's latency loss: E[lat] = fixed + Σ p_i·lat_i, so ∂E/∂p_i = lat_i, times each form's factor.</summary>
[TestClass]
public sealed class ProxylessLatencyLossTests
{
    private static readonly double[] Latencies = [1.5, 0.5, 2.0];
    private const double Fixed = 0.25;
    private const double CrossEntropy = 2.0;

    [TestMethod]
    public void The_multiplicative_form_gives_each_probability_its_latency_times_the_forms_factor()
    {
        // E = 0.25 + 0.2·1.5 + 0.5·0.5 + 0.3·2.0 = 1.4 ms; T = 1 ms; in µs r = ln 1400 / ln 1000, and
        // ∂/∂p_i [CE·α·r^β] = CE·α·β·r^(β−1) / (E·ln 1000T) · lat_i.
        var gradient = ProbabilityGradient(LatencyLossForm.Multiplicative, target: 1.0);
        double expected = 1.4, ratio = Math.Log(1400) / Math.Log(1000);
        double factor = CrossEntropy * LatencyLoss.Alpha * LatencyLoss.Beta * Math.Pow(ratio, LatencyLoss.Beta - 1) / (expected * Math.Log(1000));
        for (int i = 0; i < Latencies.Length; i++)
        {
            Assert.AreEqual(factor * Latencies[i], gradient[i], 1e-12);
        }
    }

    [TestMethod]
    public void The_additive_form_gives_each_probability_lambda_over_the_target_times_its_latency()
    {
        var gradient = ProbabilityGradient(LatencyLossForm.Additive, target: 0.8);
        for (int i = 0; i < Latencies.Length; i++)
        {
            Assert.AreEqual(LatencyLoss.Lambda / 0.8 * Latencies[i], gradient[i], 1e-12);
        }
    }

    [TestMethod]
    public void The_mutators_expected_latency_adds_its_exact_gradient_to_the_two_path_estimate() => InTemporaryFolder("latency-proxyless-gradient", folder =>
    {
        // The two-path example of ProxylessTests (∂L/∂α = [−0.480521, 0, 0.480521] for L = y), plus the additive
        // latency term λ·(E − T)/T, whose gradient through the softmax is λ/T · p_k (lat_k − Σ_i p_i lat_i).
        using var net = new OneChoiceNet("op", "one", "two", "three");
        var table = LatencyTable.Measure(net, [1], CPU, threads: 1, [1], folder);
        using var mutator = new ProxylessMutator(net);
        var alpha = mutator.ArchitectureParameters[0];
        float[] a = [0.1f, 0.5f, -0.3f];
        using (no_grad())
        {
            alpha.copy_(tensor(a));
        }
        using var scope = NewDisposeScope();
        mutator.SetPair("op", 0, 2, active: 0);
        var output = net.call(ones(1, 1));
        var expectedLatency = mutator.ExpectedLatency(table);

        double[] p = Softmax(a);
        double[] lat = [.. Enumerable.Range(0, 3).Select(i => table.CandidateMilliseconds("op", i))];
        double mean = p.Zip(lat).Sum(x => x.First * x.Second);
        Assert.AreEqual(table.FixedMilliseconds() + mean, expectedLatency.item<float>(), 1e-6);

        const double target = 0.001;
        mutator.SetArchitectureGradients(LatencyLoss.Combine(output.sum(), expectedLatency, target, LatencyLossForm.Additive));
        var gradient = alpha.grad!.data<float>().ToArray();
        double[] twoPath = [-0.480521, 0, 0.480521];
        for (int k = 0; k < 3; k++)
        {
            double latency = LatencyLoss.Lambda / target * p[k] * (lat[k] - mean);
            Assert.AreEqual(twoPath[k] + latency, gradient[k], 1e-5 + 1e-4 * Math.Abs(latency), $"α_{k}");
        }
    });

    private static double[] ProbabilityGradient(LatencyLossForm form, double target)
    {
        using var scope = NewDisposeScope();
        var probabilities = tensor(new[] { 0.2, 0.5, 0.3 }, requires_grad: true);
        var expected = (probabilities * tensor(Latencies)).sum() + Fixed;
        var loss = LatencyLoss.Combine(tensor(CrossEntropy), expected, target, form);
        loss.backward();
        return probabilities.grad!.data<double>().ToArray();
    }

    private static double[] Softmax(float[] values)
    {
        double max = values.Max();
        var exp = values.Select(v => Math.Exp(v - max)).ToArray();
        return [.. exp.Select(e => e / exp.Sum())];
    }
}
