using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Visualization;

/// <summary>
/// A user's own space, registered by name: a scope "trunk", a LayerChoice "op" (narrow | wide) and an InputChoice
/// "merge" summing any of [trunk, op]. No built-in picture knows it, so it is drawn by the generic one.
/// </summary>
internal sealed class TwoBranchSpace : nn.Module<Tensor, Tensor>
{
    public const string Kind = "test-two-branch";

    private readonly MutableScope trunk;
    private readonly LayerChoice op;
    private readonly InputChoice merge;
    private readonly nn.Module<Tensor, Tensor> head;

    private TwoBranchSpace(long inputs, int classes)
        : base(nameof(TwoBranchSpace))
    {
        trunk = new MutableScope("trunk", nn.Linear(inputs, 8));
        op = new LayerChoice(new Dictionary<string, nn.Module<Tensor, Tensor>> { ["narrow"] = nn.Linear(8, 8), ["wide"] = nn.Sequential(nn.Linear(8, 32), nn.Linear(32, 8)) }, key: "op");
        merge = new InputChoice(["trunk", "op"], nChosen: null, key: "merge");
        head = nn.Linear(8, classes);
        RegisterComponents();
    }

    public static SearchSpaceSpec Spec => new(Kind, new Dictionary<string, object>());

    public static void Register() => SearchSpaceRegistry.Register(Kind, (_, context) => new TwoBranchSpace(context.SampleShape.Aggregate(1L, (a, b) => a * b), context.ClassCount));

    public override Tensor forward(Tensor input)
    {
        var x = trunk.call(input.flatten(1));
        var y = op.call(x);
        return head.call(merge.Choose([x, y]).Output ?? x);
    }
}
