using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// The framework-overhead baseline of the foundation issue, layer for layer as PyTorch measured it:
/// Conv(1→16, 3×3, pad 1) → ReLU → MaxPool 2 → Conv(16→32, 3×3, pad 1) → ReLU → MaxPool 2 → Linear(1568→10).
/// </summary>
internal sealed class PlainCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = nn.Conv2d(1, 16, 3, padding: 1);
    private readonly Conv2d conv2 = nn.Conv2d(16, 32, 3, padding: 1);
    private readonly Linear classifier = nn.Linear(32 * 7 * 7, 10);

    public PlainCnn() : base(nameof(PlainCnn)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(input)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
        return classifier.forward(x.flatten(1)).MoveToOuterDisposeScope();
    }
}
