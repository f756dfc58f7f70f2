using Microsoft.ML.Nas.Spaces.Enas;
using Microsoft.ML.Nas.Visualization.Graphs;

namespace Microsoft.ML.Nas.Visualization.Pictures;

/// <summary>
/// The ENAS macro space as a chain: the image, the stem, one box per layer with the op it chose (and where every
/// output so far is halved in size after it), the classifier; the skip connections each layer chose from earlier
/// layers as dashed arcs. Reads the keys <c>layer_i_op</c> and <c>layer_i_skip</c>.
/// </summary>
internal static class EnasMacroPicture
{
    public static ArchitectureGraph Draw(ChosenCandidates chosen, EnasMacroNetwork network)
    {
        var channels = Enumerable.Range(0, network.Layers).Select(network.ChannelsOf).Distinct();
        var panel = new GraphPanel($"{network.Layers} layers of {string.Join("→", channels)} channels");
        panel.Add("image", NodeKind.Input, "image");
        panel.Add("stem", NodeKind.Fixed, "stem", "3×3 conv, BN");
        panel.Connect("image", "stem");
        string previous = "stem";
        int skips = 0;
        for (int i = 0; i < network.Layers; i++)
        {
            string id = Layer(i);
            var lines = new List<string> { $"layer {i}", chosen.Label(id + "_op") };
            if (network.ReductionAfter.Contains(i))
            {
                lines.Add("then ½ size");
            }
            panel.Add(id, NodeKind.Operation, [.. lines]);
            panel.Connect(previous, id);
            previous = id;
            if (chosen.Has(id + "_skip"))
            {
                foreach (int from in chosen.Indices(id + "_skip"))
                {
                    // Candidate j of layer i's skip is layer j's output (EnasMacroLayer names them by their scope keys).
                    panel.Connect(Layer(from), id, style: EdgeStyle.Skip);
                    skips++;
                }
            }
        }
        panel.Add("classifier", NodeKind.Output, "classifier", "avg pool, linear");
        panel.Connect(previous, "classifier");
        return new ArchitectureGraph("ENAS macro architecture",
            $"Each layer applies its op to the layer before and adds the dashed skip connections it chose ({skips} in all).", [panel]);
    }

    private static string Layer(int index) => EnasMacroLayer.KeyOf(index);
}
