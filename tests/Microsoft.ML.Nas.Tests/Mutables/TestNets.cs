using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Mutables;

/// <summary>Multiplies its input by a constant: outputs that tests can predict exactly.</summary>
internal sealed class Scale(float factor) : nn.Module<Tensor, Tensor>("Scale")
{
    public int Calls { get; private set; }

    public override Tensor forward(Tensor input)
    {
        Calls++;
        return input * factor;
    }
}

/// <summary>
/// stem → LayerChoice (named) → InputChoice over [stem, choice] → LayerChoice (list) → head: keys LayerChoice1,
/// InputChoice2, LayerChoice3 when automatic.
/// </summary>
internal sealed class TinyNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly LayerChoice first;
    private readonly InputChoice skip;
    private readonly LayerChoice second;
    private readonly nn.Module<Tensor, Tensor> head;

    public TinyNet(string? firstKey = null, int? nChosen = null)
        : base(nameof(TinyNet))
    {
        stem = nn.Linear(4, 8);
        first = new LayerChoice(new Dictionary<string, nn.Module<Tensor, Tensor>>
        {
            ["small"] = nn.Linear(8, 8),
            ["big"] = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 8)),
            ["pool"] = nn.Identity(),
        }, key: firstKey);
        skip = new InputChoice(2, nChosen: nChosen);
        second = new LayerChoice([nn.Linear(8, 8), nn.Linear(8, 8, hasBias: false)]);
        head = nn.Linear(8, 3);
        RegisterComponents();
    }

    public LayerChoice First => first;

    public InputChoice Skip => skip;

    public LayerChoice Second => second;

    public override Tensor forward(Tensor input)
    {
        var h = stem.call(input);
        var a = first.call(h);
        var b = skip.call([h, a]);
        return head.call(second.call(b));
    }
}

/// <summary>Two LayerChoices sharing key "op": one in a Sequential, one in a ModuleList deeper down.</summary>
internal sealed class SharedNet : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Sequential front;
    private readonly Inner inner;

    public SharedNet()
        : base(nameof(SharedNet))
    {
        front = nn.Sequential(nn.Linear(3, 5), Op(), nn.ReLU());
        inner = new Inner();
        RegisterComponents();
    }

    public static LayerChoice Op() => new(new Dictionary<string, nn.Module<Tensor, Tensor>>
    {
        ["wide"] = nn.Sequential(nn.Linear(5, 7), nn.Linear(7, 5)),
        ["narrow"] = nn.Linear(5, 5),
    }, key: "op");

    public override Tensor forward(Tensor input) => inner.call(front.call(input));

    private sealed class Inner : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> layers;

        public Inner()
            : base(nameof(Inner))
        {
            layers = nn.ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(5, 5), Op(), nn.BatchNorm1d(5));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var x = input;
            foreach (var layer in layers)
            {
                x = layer.call(x);
            }
            return x;
        }
    }
}

/// <summary>Holds modules as children "0", "1", ... (for walk tests; its forward is not used).</summary>
internal sealed class Bag : nn.Module<Tensor, Tensor>
{
    public Bag(params nn.Module[] modules)
        : base(nameof(Bag))
    {
        for (int i = 0; i < modules.Length; i++)
        {
            register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), modules[i]);
        }
    }

    public override Tensor forward(Tensor input) => throw new NotSupportedException();
}
