using System.Globalization;
using Microsoft.ML.Nas.Spaces.Mlp;
using Microsoft.ML.Nas.Visualization.Graphs;

namespace Microsoft.ML.Nas.Visualization.Pictures;

/// <summary>
/// The MLP space as its layer list: the input vector, one box per layer with the block it chose (activation and
/// inner width, named <c>{activation}_{width}</c>), and the classifier. Reads the keys <c>layer0</c>, <c>layer1</c>, ...
/// </summary>
internal static class MlpPicture
{
    public static ArchitectureGraph Draw(ChosenCandidates chosen, MlpNetwork network)
    {
        var panel = new GraphPanel($"Layers of output width {network.Hidden}");
        panel.Add("input", NodeKind.Input, "input", string.Create(CultureInfo.InvariantCulture,
            $"{network.Inputs} values{(network.NormalizesInputs ? ", standardized" : "")}"));
        string previous = "input";
        for (int i = 0; chosen.Has(Key(i)); i++)
        {
            string id = Key(i);
            var names = chosen.Names(id);
            panel.Add(id, NodeKind.Operation, [$"layer {i}", chosen.Label(id), .. names.Select(n => Describe(n, network.Hidden))]);
            panel.Connect(previous, id);
            previous = id;
        }
        panel.Add("classifier", NodeKind.Output, "classifier", string.Create(CultureInfo.InvariantCulture, $"linear → {network.Classes} classes"));
        panel.Connect(previous, "classifier");
        return new ArchitectureGraph("MLP architecture", "Each layer is linear → activation → linear → activation, with the inner width it chose.", [panel]);
    }

    private static string Key(int index) => string.Create(CultureInfo.InvariantCulture, $"layer{index}");

    // "relu_64" is a ReLU block 64 wide inside.
    private static string Describe(string name, int hidden)
    {
        int split = name.LastIndexOf('_');
        return split > 0 ? string.Create(CultureInfo.InvariantCulture, $"inner {name[(split + 1)..]}, out {hidden}") : name;
    }
}
