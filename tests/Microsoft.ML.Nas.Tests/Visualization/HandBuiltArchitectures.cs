using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using static Microsoft.ML.Nas.Architectures.ArchitectureChoice;

namespace Microsoft.ML.Nas.Tests.Visualization;

/// <summary>Small supernets of every built-in space and architectures for them written by hand, so pictures can be counted.</summary>
internal static class HandBuiltArchitectures
{
    public static readonly SpaceContext Digits = new([1, 28, 28], 10);

    /// <summary>DARTS cells with 2 nodes (layers 3: a normal cell, then two reductions).</summary>
    public static readonly SearchSpaceSpec Darts = SearchSpaces.DartsCells(channels: 2, layers: 3, nodes: 2, stemMultiplier: 1);

    /// <summary>
    /// Normal cell: node 0 ← sepconv3x3(c_{k-2}) + skipconnect(c_{k-1}); node 1 ← maxpool(c_{k-1}) + dilconv3x3(node 0).
    /// Reduction cell: node 0 ← maxpool(c_{k-2}) + maxpool(c_{k-1}); node 1 ← skipconnect(c_{k-2}) + avgpool(node 0).
    /// Dropped edges choose nothing, as DARTS exports them.
    /// </summary>
    public static Architecture DartsArchitecture() => new(new Dictionary<string, ArchitectureChoice>
    {
        ["normal_n2_p0"] = Name("sepconv3x3"), ["normal_n2_p1"] = Name("skipconnect"), ["normal_n2_switch"] = OfIndices(0, 1),
        ["normal_n3_p0"] = Empty, ["normal_n3_p1"] = Name("maxpool"), ["normal_n3_p2"] = Name("dilconv3x3"), ["normal_n3_switch"] = OfIndices(1, 2),
        ["reduce_n2_p0"] = Name("maxpool"), ["reduce_n2_p1"] = Name("maxpool"), ["reduce_n2_switch"] = OfIndices(0, 1),
        ["reduce_n3_p0"] = Name("skipconnect"), ["reduce_n3_p1"] = Empty, ["reduce_n3_p2"] = Name("avgpool"), ["reduce_n3_switch"] = OfIndices(0, 2),
    });

    public static readonly SearchSpaceSpec EnasMacro = SearchSpaces.EnasMacro(layers: 3, filters: 2);

    /// <summary>layer 0 conv3x3; layer 1 maxpool with a skip from layer 0; layer 2 sepconv5x5 with no skip.</summary>
    public static Architecture EnasMacroArchitecture() => new(new Dictionary<string, ArchitectureChoice>
    {
        ["layer_0_op"] = Name("conv3x3"), ["layer_1_op"] = Name("maxpool"), ["layer_1_skip"] = OfNames("layer_0"),
        ["layer_2_op"] = Name("sepconv5x5"), ["layer_2_skip"] = Empty,
    });

    /// <summary>One layer: reduction cells at stages 0 and 1, a normal cell at stage 2; 2 nodes per cell.</summary>
    public static readonly SearchSpaceSpec EnasMicro = SearchSpaces.EnasMicro(layers: 1, nodes: 2, channels: 2, auxiliary: false);

    /// <summary>
    /// Normal cell: node 0 = sepconv3x3(h_{k-2}) + identity(h_{k-1}); node 1 = avgpool(node 0) + maxpool(node 0), so only
    /// node 1 reaches the output. The reduction cell: node 0 = maxpool(h_{k-1}) + maxpool(h_{k-1}); node 1 = identity(h_{k-2}) + sepconv5x5(h_{k-1}).
    /// </summary>
    public static Architecture EnasMicroArchitecture() => new(new Dictionary<string, ArchitectureChoice>
    {
        ["normal_node_0_x_input"] = Index(0), ["normal_node_0_x_op"] = Name("sepconv3x3"),
        ["normal_node_0_y_input"] = Index(1), ["normal_node_0_y_op"] = Name("identity"),
        ["normal_node_1_x_input"] = Index(2), ["normal_node_1_x_op"] = Name("avgpool"),
        ["normal_node_1_y_input"] = Index(2), ["normal_node_1_y_op"] = Name("maxpool"),
        ["reduce_node_0_x_input"] = Index(1), ["reduce_node_0_x_op"] = Name("maxpool"),
        ["reduce_node_0_y_input"] = Index(1), ["reduce_node_0_y_op"] = Name("maxpool"),
        ["reduce_node_1_x_input"] = Index(0), ["reduce_node_1_x_op"] = Name("identity"),
        ["reduce_node_1_y_input"] = Index(1), ["reduce_node_1_y_op"] = Name("sepconv5x5"),
    });

    public static readonly SpaceContext Vectors = new([784], 10);

    public static readonly SearchSpaceSpec Mlp = SearchSpaces.Mlp(layers: 2, hidden: 32, widths: [16, 48]);

    public static Architecture MlpArchitecture() => new(new Dictionary<string, ArchitectureChoice>
    {
        ["layer0"] = Name("relu_48"), ["layer1"] = Name("tanh_16"),
    });
}
