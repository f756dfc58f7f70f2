using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Tests.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

/// <summary>One LayerChoice under <paramref name="key"/> among scaling candidates with the given names.</summary>
internal sealed class OneChoiceNet : nn.Module<Tensor, Tensor>
{
    private readonly LayerChoice choice;

    public OneChoiceNet(string key, params string[] names)
        : base(nameof(OneChoiceNet))
    {
        choice = new LayerChoice(names.Select((n, i) => KeyValuePair.Create(n, (nn.Module<Tensor, Tensor>)new Scale(i + 1))), key: key);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => choice.call(input);
}

/// <summary>
/// Two scopes "a" and "b", each holding a LayerChoice of three candidates ("a_op", "b_op"), then an InputChoice "skip"
/// over ["a", "b"] choosing <paramref name="nChosen"/> (any subset when null).
/// </summary>
internal sealed class TwoScopeNet : nn.Module<Tensor, Tensor>
{
    private readonly MutableScope a;
    private readonly MutableScope b;
    private readonly InputChoice skip;

    public TwoScopeNet(int? nChosen = null)
        : base(nameof(TwoScopeNet))
    {
        a = new MutableScope("a", new LayerChoice([new Scale(1), new Scale(2), new Scale(3)], key: "a_op"));
        b = new MutableScope("b", new LayerChoice([new Scale(1), new Scale(2), new Scale(3)], key: "b_op"));
        skip = new InputChoice(["a", "b"], nChosen: nChosen, key: "skip");
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var first = a.call(input);
        var second = b.call(first);
        var chosen = skip.Choose([first, second]);
        return chosen.Output is { } extra ? second + extra : second;
    }
}

/// <summary>An InputChoice choosing two of three inputs (NNI's controller cannot sample it; ours draws two in turn).</summary>
internal sealed class ChooseTwoNet : nn.Module<Tensor, Tensor>
{
    private readonly InputChoice choice = new(3, nChosen: 2, key: "pick");

    public ChooseTwoNet()
        : base(nameof(ChooseTwoNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) => choice.call([input, input, input]);
}

/// <summary>Two LayerChoices of different sizes (NNI's one controller head cannot serve them; ours has one per size).</summary>
internal sealed class UnevenChoicesNet : nn.Module<Tensor, Tensor>
{
    private readonly LayerChoice small = new([new Scale(1), new Scale(2)], key: "small");
    private readonly LayerChoice large = new([new Scale(1), new Scale(2), new Scale(3)], key: "large");

    public UnevenChoicesNet()
        : base(nameof(UnevenChoicesNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) => large.call(small.call(input));
}
