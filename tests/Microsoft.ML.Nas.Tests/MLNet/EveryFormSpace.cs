using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>
/// A custom space that uses every mutable form, for flat digits: LayerChoices as a list and as a map, of 3, 2 and 4
/// candidates, one key shared by two of them; InputChoices over scopes, over anonymous inputs and over a mix of
/// LayerChoice keys and an anonymous input, choosing 1, 2 and any subset; every reduction; two MutableScopes.
/// </summary>
internal sealed class EveryFormSpace : nn.Module<Tensor, Tensor>
{
    public const string Kind = "test-every-form";

    // Registration order is field order: the scopes come before the choices that read their anchors.
    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly MutableScope block1;
    private readonly MutableScope block2;
    private readonly LayerChoice op2Again;
    private readonly InputChoice skip;
    private readonly InputChoice mix;
    private readonly InputChoice any;
    private readonly LayerChoice last;
    private readonly nn.Module<Tensor, Tensor> head;

    private EveryFormSpace(SearchSpaceSpec spec, SpaceContext context)
        : base(nameof(EveryFormSpace))
    {
        int hidden = spec.GetInt32("hidden", 16);
        long inputs = context.SampleShape.Aggregate(1L, (a, b) => a * b);
        stem = nn.Sequential(nn.Flatten(), nn.Linear(inputs, hidden), nn.ReLU());
        block1 = new MutableScope("block1", new LayerChoice(
            [Dense(hidden, nn.ReLU()), Dense(hidden, nn.Tanh()), nn.Identity()], Reduction.Sum, key: "op1"));
        block2 = new MutableScope("block2", new LayerChoice(Pair(hidden), Reduction.Mean, key: "op2"));
        op2Again = new LayerChoice(Pair(hidden), Reduction.Concat, key: "op2");
        skip = new InputChoice(["block1", "block2"], nChosen: 1, reduction: Reduction.Concat, key: "skip");
        mix = new InputChoice(3, nChosen: 2, reduction: Reduction.Sum);
        any = new InputChoice(["op1", "op2", ""], nChosen: null, reduction: Reduction.Mean, key: "any");
        last = new LayerChoice([nn.Identity(), Dense(hidden, nn.ReLU()), Dense(hidden, nn.Sigmoid()), nn.Linear(hidden, hidden)], Reduction.None);
        head = nn.Linear(hidden, context.ClassCount);
        RegisterComponents();
    }

    public static SearchSpaceSpec Spec => new(Kind, new Dictionary<string, object> { ["hidden"] = 16 });

    public static void Register() => SearchSpaceRegistry.Register(Kind, (spec, context) => new EveryFormSpace(spec, context));

    public override Tensor forward(Tensor input)
    {
        var x = stem.call(input);
        var a = block1.call(x);
        var b = block2.call(a);
        var c = op2Again.call(b);
        var s = skip.call([a, b]);
        var m = mix.call([a, b, c]);
        var extra = any.Choose([a, b, x]).Output;
        var mixed = extra is null ? s + m : s + m + extra;
        // Reduction None hands back a list (one output here, as DARTS mixes the candidates into one); the caller reduces it.
        var outputs = last.Choose(mixed).Outputs;
        var sum = outputs[0];
        for (int i = 1; i < outputs.Count; i++)
        {
            sum = sum + outputs[i];
        }
        return head.call(sum);
    }

    private static nn.Module<Tensor, Tensor> Dense(int width, nn.Module<Tensor, Tensor> activation) =>
        nn.Sequential(nn.Linear(width, width), activation);

    private static Dictionary<string, nn.Module<Tensor, Tensor>> Pair(int width) => new()
    {
        ["relu"] = Dense(width, nn.ReLU()),
        ["sigmoid"] = Dense(width, nn.Sigmoid()),
    };
}
