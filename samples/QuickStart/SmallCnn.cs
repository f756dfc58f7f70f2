using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuickStart;

/// <summary>A small hand-designed CNN (about 20k parameters): the fixed network this sample trains until the
/// architecture search replaces it.</summary>
internal sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = nn.Conv2d(1, 16, 3, padding: 1);
    private readonly Conv2d conv2 = nn.Conv2d(16, 32, 3, padding: 1);
    private readonly Linear classifier = nn.Linear(32 * 7 * 7, 10);

    public SmallCnn() : base(nameof(SmallCnn)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(input)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
        return classifier.forward(x.flatten(1)).MoveToOuterDisposeScope();
    }
}
