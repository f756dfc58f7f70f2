using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Strategies.Optimizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Optimizers;

/// <summary>Nesterov SGD and AdamW against updates worked out by hand (in doubles) on two parameters.</summary>
[TestClass]
public sealed class WeightOptimizerStepTests
{
    private static readonly double[] Start = [1.0, -2.0];

    // Loss = Σ c·w, so the gradient of each step is exactly c.
    private static readonly double[][] Gradients = [[0.5, 0.25], [-0.3, 0.75]];

    [TestMethod]
    public void Nesterov_sgd_steps_along_the_gradient_plus_momentum_times_the_new_buffer()
    {
        const double Lr = 0.1, Momentum = 0.9, Decay = 0.01;
        var expected = (double[])Start.Clone();
        var buffer = new double[2];
        for (int step = 0; step < Gradients.Length; step++)
        {
            for (int i = 0; i < 2; i++)
            {
                double d = Gradients[step][i] + Decay * expected[i];
                buffer[i] = step == 0 ? d : Momentum * buffer[i] + d;
                expected[i] -= Lr * (d + Momentum * buffer[i]);
            }
        }

        var actual = Run(parameter => new SgdWithMomentum([parameter], Lr, Momentum, Decay, nesterov: true));

        AssertClose(expected, actual);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SgdWithMomentum([], Lr, momentum: 0, nesterov: true));
    }

    [TestMethod]
    public void AdamW_shrinks_the_weights_by_lr_times_decay_then_takes_the_bias_corrected_adam_step()
    {
        const double Lr = 0.1, Decay = 0.1, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
        var expected = (double[])Start.Clone();
        var m = new double[2];
        var v = new double[2];
        for (int step = 0; step < Gradients.Length; step++)
        {
            int t = step + 1;
            for (int i = 0; i < 2; i++)
            {
                double g = Gradients[step][i];
                expected[i] *= 1 - Lr * Decay;
                m[i] = Beta1 * m[i] + (1 - Beta1) * g;
                v[i] = Beta2 * v[i] + (1 - Beta2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(Beta1, t)), vHat = v[i] / (1 - Math.Pow(Beta2, t));
                expected[i] -= Lr * mHat / (Math.Sqrt(vHat) + Epsilon);
            }
        }

        var actual = Run(parameter => new AdamWithDecoupledDecay([parameter], Lr, Decay, Beta1, Beta2, Epsilon));

        AssertClose(expected, actual);
    }

    [TestMethod]
    public void AdamW_state_round_trips_through_a_checkpoint()
    {
        TorchRuntime.EnsureAvailable();
        using var first = new Parameter(tensor(Start, dtype: ScalarType.Float32));
        using var second = new Parameter(tensor(Start, dtype: ScalarType.Float32));
        using var optimizer = new AdamWithDecoupledDecay([first], 0.1, 0.1);
        using var resumed = new AdamWithDecoupledDecay([second], 0.1, 0.1);
        Step(optimizer, first, Gradients[0]);
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            second.copy_(first);
        }
        using var state = new MemoryStream();
        optimizer.Save(new BinaryWriter(state));
        state.Position = 0;
        resumed.Load(new BinaryReader(state));

        Step(optimizer, first, Gradients[1]);
        Step(resumed, second, Gradients[1]);

        CollectionAssert.AreEqual(first.data<float>().ToArray(), second.data<float>().ToArray());
        state.Position = 0;
        using var sgd = new SgdWithMomentum([second], 0.1);
        Assert.ThrowsExactly<InvalidDataException>(() => sgd.Load(new BinaryReader(state)), "another optimizer's state is refused");
    }

    private static double[] Run(Func<Parameter, IParameterOptimizer> create)
    {
        TorchRuntime.EnsureAvailable();
        using var parameter = new Parameter(tensor(Start, dtype: ScalarType.Float32));
        using var optimizer = create(parameter);
        foreach (var gradient in Gradients)
        {
            Step(optimizer, parameter, gradient);
        }
        return parameter.data<float>().Select(x => (double)x).ToArray();
    }

    private static void Step(IParameterOptimizer optimizer, Parameter parameter, double[] gradient)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        (parameter * tensor(gradient, dtype: ScalarType.Float32)).sum().backward();
        optimizer.Step();
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-6, $"parameter {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
