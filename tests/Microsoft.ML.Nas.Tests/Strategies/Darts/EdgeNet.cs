using Microsoft.ML.Nas.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Darts;

/// <summary>
/// A DARTS-like node on flat features: three edges (LayerChoices "n2_p0".."n2_p2" over the same named ops) feed an
/// InputChoice "n2_switch" (nChosen 2) that sums them, then a head.
/// </summary>
internal sealed class EdgeNet : nn.Module<Tensor, Tensor>
{
    public static readonly string[] OpNames = ["linear", "tanh", "sigmoid"];

    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly TorchSharp.Modules.ModuleList<LayerChoice> edges = new();
    private readonly InputChoice inputSwitch;
    private readonly nn.Module<Tensor, Tensor> head;

    public EdgeNet(int inputs, int hidden, int classes, ScalarType dtype = ScalarType.Float32)
        : base(nameof(EdgeNet))
    {
        stem = nn.Linear(inputs, hidden, dtype: dtype);
        for (int i = 0; i < 3; i++)
        {
            edges.Add(new LayerChoice(new Dictionary<string, nn.Module<Tensor, Tensor>>
            {
                ["linear"] = nn.Linear(hidden, hidden, dtype: dtype),
                ["tanh"] = nn.Sequential(nn.Linear(hidden, hidden, dtype: dtype), nn.Tanh()),
                ["sigmoid"] = nn.Sequential(nn.Linear(hidden, hidden, dtype: dtype), nn.Sigmoid()),
            }, key: $"n2_p{i}"));
        }
        inputSwitch = new InputChoice(["n2_p0", "n2_p1", "n2_p2"], nChosen: 2, key: "n2_switch");
        head = nn.Linear(hidden, classes, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var h = nn.functional.relu(stem.call(input));
        var outputs = edges.Select(edge => edge.Choose(h).Output).ToList();
        var mixed = inputSwitch.Choose(outputs).Output ?? throw new InvalidOperationException("no edge chosen");
        return head.call(mixed);
    }
}
