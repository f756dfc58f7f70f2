using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Mutables;

/// <summary>An ENAS-like model: two layer scopes, each with a LayerChoice; an InputChoice over both layers.</summary>
internal sealed class ScopedNet : nn.Module<Tensor, Tensor>
{
    private readonly Layer layer0;
    private readonly Layer layer1;
    private readonly InputChoice pick;

    public ScopedNet()
        : base(nameof(ScopedNet))
    {
        layer0 = new Layer("layer0");
        layer1 = new Layer("layer1");
        pick = new InputChoice(["layer0", "layer1"], nChosen: 1, key: "pick");
        RegisterComponents();
    }

    public InputChoice Pick => pick;

    public override Tensor forward(Tensor input)
    {
        var a = layer0.call(input);
        var b = layer1.call(a);
        return pick.call([a, b]);
    }

    /// <summary>A scope holding one automatic-key LayerChoice.</summary>
    internal sealed class Layer : MutableScope
    {
        private readonly LayerChoice op;

        public Layer(string key)
            : base(key)
        {
            op = new LayerChoice([nn.Linear(4, 4), nn.Identity()]);
            RegisterComponents();
        }

        protected override Tensor ForwardScope(Tensor input) => op.call(input);
    }
}
