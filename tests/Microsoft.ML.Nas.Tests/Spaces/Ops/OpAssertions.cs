using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Nas.Tests.Spaces.Ops;

/// <summary>What every op test checks: output shape, parameter count and that gradients reach input and weights.</summary>
internal static class OpAssertions
{
    public static Device TestDevice { get; } = DeviceSelection.Resolve("auto");

    public static long[] OutputShape(Module<Tensor, Tensor> op, params long[] inputShape)
    {
        using var scope = NewDisposeScope();
        op.to(TestDevice).train();
        using var input = randn(inputShape, device: TestDevice);
        return op.call(input).shape;
    }

    public static long ParameterCount(Module<Tensor, Tensor> op) => op.parameters().Sum(p => p.numel());

    /// <summary>Backpropagates a random projection of the output (a plain sum would be zero through a batch norm).</summary>
    public static void AssertGradientsFlow(Module<Tensor, Tensor> op, string what, bool expectZeroInputGradient = false)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        op.to(TestDevice).train();
        var input = randn(2, 8, 14, 14, device: TestDevice).requires_grad_(true);
        var output = op.call(input);
        (output * randn_like(output)).sum().backward();

        Assert.IsNotNull(input.grad, $"{what}: no gradient reached the input");
        double inputGradient = input.grad.abs().sum().item<float>();
        if (expectZeroInputGradient)
        {
            Assert.AreEqual(0.0, inputGradient, $"{what}: a zero op passes zero gradient");
        }
        else
        {
            Assert.IsTrue(inputGradient > 0, $"{what}: the input gradient is zero");
        }
        foreach (var (name, parameter) in op.named_parameters())
        {
            Assert.IsNotNull(parameter.grad, $"{what}: {name} got no gradient");
            Assert.IsTrue(parameter.grad.abs().sum().item<float>() > 0, $"{what}: {name} has a zero gradient");
        }
    }
}
