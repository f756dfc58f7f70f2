using Microsoft.ML.Nas.Strategies.Optimizers;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Darts;

/// <summary>The paper's hypergradient, checked against a numerical derivative of the unrolled validation loss.</summary>
[TestClass]
public sealed class SecondOrderArchitectureStepTests
{
    private const double Xi = 0.3;
    private const double Momentum = 0.9;
    private const double WeightDecay = 3e-3;

    // With a small finite-difference step the hypergradient is exact up to rounding (measured 1.4e-7); with the paper's
    // step (0.01 / ‖∇w' L_val‖) the Hessian-vector product's own truncation error shows (measured 3.3e-3 here).
    [TestMethod]
    [DataRow(0.001, 1e-3)]
    [DataRow(0.01, 1e-2)]
    public void Alpha_gradient_matches_central_differences_of_the_validation_loss_after_the_virtual_step(double scale, double tolerance)
    {
        random.manual_seed(11);
        using var model = new EdgeNet(5, 4, 3, ScalarType.Float64);
        using var mutator = new DartsMutator(model);
        using var optimizer = new SgdWithMomentum(model.parameters(), 0.1, Momentum, WeightDecay);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var alpha in mutator.ArchitectureParameters)
            {
                alpha.copy_(randn_like(alpha) * 0.5);
            }
        }
        var train = (randn(8, 5, dtype: ScalarType.Float64), randint(0, 3, [8]));
        var valid = (randn(8, 5, dtype: ScalarType.Float64), randint(0, 3, [8]));
        // One real weight step first, so the virtual step has a momentum buffer to use.
        mutator.ArchitectureGradients = false;
        mutator.Reset();
        Loss(model.call(train.Item1), train.Item2).backward();
        optimizer.Step();
        optimizer.ZeroGrad();

        var step = new SecondOrderArchitectureStep(model, mutator, optimizer, Loss) { FiniteDifferenceScale = scale };
        step.ComputeGradient(train, valid, Xi);
        var analytic = mutator.ArchitectureParameters.SelectMany(a => a.grad!.data<double>().ToArray()).ToArray();
        var numerical = NumericalGradient(model, mutator, optimizer, train, valid);
        var firstOrder = FirstOrderGradient(model, mutator, optimizer, train, valid);

        double error = Distance(analytic, numerical) / Norm(numerical);
        double firstOrderError = Distance(firstOrder, numerical) / Norm(numerical);
        Console.WriteLine($"hypergradient relative error {error:E2}, first order {firstOrderError:E2}");
        Assert.IsTrue(error < tolerance, $"relative error of the hypergradient {error:E2} (first order would be {firstOrderError:E2})");
        Assert.IsTrue(firstOrderError > 50 * tolerance, $"the check must tell second from first order: {firstOrderError:E2} vs {error:E2}");
    }

    private static Tensor Loss(Tensor logits, Tensor labels) => nn.functional.cross_entropy(logits, labels);

    // L_val(w − ξ(momentum·buf + ∇w L_train(w, α) + wd·w), α), differentiated in α by central differences.
    private static double[] NumericalGradient(EdgeNet model, DartsMutator mutator, SgdWithMomentum optimizer, (Tensor, Tensor) train, (Tensor, Tensor) valid)
    {
        const double h = 1e-5;
        var result = new List<double>();
        foreach (var alpha in mutator.ArchitectureParameters)
        {
            for (int j = 0; j < alpha.shape[0]; j++)
            {
                Nudge(alpha, j, h);
                double plus = UnrolledValidationLoss(model, mutator, optimizer, train, valid);
                Nudge(alpha, j, -2 * h);
                double minus = UnrolledValidationLoss(model, mutator, optimizer, train, valid);
                Nudge(alpha, j, h);
                result.Add((plus - minus) / (2 * h));
            }
        }
        return [.. result];
    }

    private static double UnrolledValidationLoss(EdgeNet model, DartsMutator mutator, SgdWithMomentum optimizer, (Tensor, Tensor) train, (Tensor, Tensor) valid)
    {
        using var scope = NewDisposeScope();
        var weights = optimizer.Parameters;
        var backup = weights.Select(w => w.detach().clone()).ToArray();
        mutator.ArchitectureGradients = false;
        mutator.Reset();
        var gradients = autograd.grad([Loss(model.call(train.Item1), train.Item2)], [.. weights]);
        using (no_grad())
        {
            for (int i = 0; i < weights.Count; i++)
            {
                var buffer = optimizer.MomentumBuffer(i)!;
                weights[i].sub_(Xi * (Momentum * buffer + gradients[i] + WeightDecay * weights[i]));
            }
            mutator.Reset();
            double loss = Loss(model.call(valid.Item1), valid.Item2).item<double>();
            for (int i = 0; i < weights.Count; i++)
            {
                weights[i].copy_(backup[i]);
            }
            return loss;
        }
    }

    private static double[] FirstOrderGradient(EdgeNet model, DartsMutator mutator, SgdWithMomentum optimizer, (Tensor, Tensor) train, (Tensor, Tensor) valid)
    {
        using var scope = NewDisposeScope();
        var weights = optimizer.Parameters;
        var backup = weights.Select(w => w.detach().clone()).ToArray();
        mutator.ArchitectureGradients = false;
        mutator.Reset();
        var gradients = autograd.grad([Loss(model.call(train.Item1), train.Item2)], [.. weights]);
        using (no_grad())
        {
            for (int i = 0; i < weights.Count; i++)
            {
                weights[i].sub_(Xi * (Momentum * optimizer.MomentumBuffer(i)! + gradients[i] + WeightDecay * weights[i]));
            }
        }
        mutator.ArchitectureGradients = true;
        mutator.Reset();
        var alphaGradients = autograd.grad([Loss(model.call(valid.Item1), valid.Item2)], [.. mutator.ArchitectureParameters]);
        using (no_grad())
        {
            for (int i = 0; i < weights.Count; i++)
            {
                weights[i].copy_(backup[i]);
            }
        }
        return alphaGradients.SelectMany(g => g.data<double>().ToArray()).ToArray();
    }

    private static void Nudge(Tensor alpha, int index, double delta)
    {
        using var noGrad = no_grad();
        using var element = alpha[index];
        element.add_(delta);
    }

    private static double Norm(double[] values) => Math.Sqrt(values.Sum(v => v * v));

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
}
