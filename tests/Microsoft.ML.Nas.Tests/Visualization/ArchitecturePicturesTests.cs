using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Tests.Architectures;
using Microsoft.ML.Nas.Visualization.Graphs;
using Microsoft.ML.Nas.Visualization.Pictures;
using static Microsoft.ML.Nas.Tests.Visualization.HandBuiltArchitectures;

namespace Microsoft.ML.Nas.Tests.Visualization;

/// <summary>The picture of each built-in space, and the generic one, drawn from hand-built architectures: boxes, arrows and labels.</summary>
[TestClass]
public sealed class ArchitecturePicturesTests
{
    private static ArchitectureGraph Draw(SearchSpaceSpec spec, SpaceContext context, Architecture architecture)
    {
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        return ArchitecturePictures.Draw(supernet, architecture);
    }

    private static string[] Labels(GraphPanel panel) => panel.Edges.Where(e => e.Label is not null).Select(e => $"{e.From}->{e.To}:{e.Label}").Order(StringComparer.Ordinal).ToArray();

    [TestMethod]
    public void Darts_cells_are_drawn_as_dags_of_their_kept_edges_labelled_with_their_ops()
    {
        var graph = Draw(Darts, Digits, DartsArchitecture());

        Assert.AreEqual("DARTS cells", graph.Title);
        Assert.HasCount(2, graph.Panels);
        var (normal, reduce) = (graph.Panels[0], graph.Panels[1]);
        StringAssert.StartsWith(normal.Title, "Normal cell");
        StringAssert.StartsWith(reduce.Title, "Reduction cell");
        CollectionAssert.AreEqual(new[] { "c_{k-2}", "c_{k-1}", "0", "1", "c_{k}" }, normal.Nodes.Select(n => n.Id).ToArray());
        CollectionAssert.AreEqual(new[] { "0->1:dilconv3x3", "c_{k-1}->0:skipconnect", "c_{k-1}->1:maxpool", "c_{k-2}->0:sepconv3x3" }, Labels(normal));
        CollectionAssert.AreEqual(new[] { "0->1:avgpool", "c_{k-1}->0:maxpool", "c_{k-2}->0:maxpool", "c_{k-2}->1:skipconnect" }, Labels(reduce));
        // Every node joins the output, unlabelled and faint: 4 kept edges and 2 joins per cell.
        Assert.AreEqual(12, graph.EdgeCount);
        Assert.IsTrue(normal.Edges.Where(e => e.To == "c_{k}").All(e => e.Style == EdgeStyle.Faint && e.Label is null));
    }

    [TestMethod]
    public void Darts_skip_connections_are_counted_per_cell_among_the_kept_edges()
    {
        using var supernet = SearchSpaceRegistry.Build(Darts, Digits);
        var chosen = new ChosenCandidates(Microsoft.ML.Nas.Mutables.ModelSearchSpace.Of(supernet), DartsArchitecture());

        Assert.AreEqual((1, 4), DartsCellPicture.SkipConnections(chosen, "normal"));
        Assert.AreEqual((1, 4), DartsCellPicture.SkipConnections(chosen, "reduce"));
    }

    [TestMethod]
    public void Enas_macro_is_a_layer_chain_with_the_chosen_skips_as_dashed_arcs()
    {
        var graph = Draw(EnasMacro, Digits, EnasMacroArchitecture());

        var panel = graph.Panels.Single();
        CollectionAssert.AreEqual(new[] { "image", "stem", "layer_0", "layer_1", "layer_2", "classifier" }, panel.Nodes.Select(n => n.Id).ToArray());
        CollectionAssert.AreEqual(new[] { "conv3x3", "maxpool", "sepconv5x5" }, panel.Nodes.Where(n => n.Kind == NodeKind.Operation).Select(n => n.Lines[1]).ToArray());
        Assert.HasCount(6, panel.Edges);
        var skip = panel.Edges.Single(e => e.Style == EdgeStyle.Skip);
        Assert.AreEqual(("layer_0", "layer_1"), (skip.From, skip.To));
        // Three layers: every output is halved after layer 0 and after layer 1 (L/3 − 1 and 2L/3 − 1).
        Assert.AreEqual(2, panel.Nodes.Count(n => n.Lines.Contains("then ½ size")));
    }

    [TestMethod]
    public void Enas_micro_cells_show_each_branch_from_the_input_it_chose_and_the_loose_ends_joining_the_output()
    {
        var graph = Draw(EnasMicro, Digits, EnasMicroArchitecture());

        Assert.HasCount(2, graph.Panels);
        var normal = graph.Panels[0];
        CollectionAssert.AreEqual(new[] { "h_{k-2}", "h_{k-1}", "node 0", "node 1", "output" }, normal.Nodes.Select(n => n.Id).ToArray());
        CollectionAssert.AreEqual(
            new[] { "h_{k-1}->node 0:identity", "h_{k-2}->node 0:sepconv3x3", "node 0->node 1:avgpool", "node 0->node 1:maxpool" }, Labels(normal));
        // Only node 1 is taken by no node.
        CollectionAssert.AreEqual(new[] { "node 1" }, normal.Edges.Where(e => e.To == "output").Select(e => e.From).ToArray());
        var reduce = graph.Panels[1];
        CollectionAssert.AreEquivalent(new[] { "node 0", "node 1" }, reduce.Edges.Where(e => e.To == "output").Select(e => e.From).ToArray());
    }

    [TestMethod]
    public void The_mlp_is_its_layer_list_with_the_block_each_layer_chose()
    {
        var graph = Draw(Mlp, Vectors, MlpArchitecture());

        var panel = graph.Panels.Single();
        CollectionAssert.AreEqual(new[] { "input", "layer0", "layer1", "classifier" }, panel.Nodes.Select(n => n.Id).ToArray());
        Assert.HasCount(3, panel.Edges);
        CollectionAssert.AreEqual(new[] { "layer 0", "relu_48", "inner 48, out 32" }, panel.Nodes[1].Lines.ToArray());
        Assert.AreEqual("784 values, standardized", panel.Nodes[0].Lines[1]);
        Assert.AreEqual("linear → 10 classes", panel.Nodes[3].Lines[1]);
    }

    [TestMethod]
    public void A_custom_space_gets_a_box_per_decision_and_its_InputChoice_edges()
    {
        TwoBranchSpace.Register();
        var architecture = new Architecture(new Dictionary<string, ArchitectureChoice>
        {
            ["op"] = ArchitectureChoice.Name("wide"), ["merge"] = ArchitectureChoice.OfNames("op"),
        });

        var panel = Draw(TwoBranchSpace.Spec, Vectors, architecture).Panels.Single();

        CollectionAssert.AreEquivalent(new[] { "op", "merge", "trunk" }, panel.Nodes.Select(n => n.Id).ToArray());
        Assert.AreEqual("wide", panel.Nodes.Single(n => n.Id == "op").Lines[1]);
        Assert.AreEqual("keeps op", panel.Nodes.Single(n => n.Id == "merge").Lines[1]);
        Assert.AreEqual(EdgeStyle.Solid, panel.Edges.Single(e => e.From == "op").Style);
        Assert.AreEqual(EdgeStyle.Faint, panel.Edges.Single(e => e.From == "trunk").Style, "an input not chosen is drawn faint");
    }

    [TestMethod]
    public void The_generic_picture_gives_anonymous_inputs_boxes_of_their_own()
    {
        using var model = ExampleNet.Create();

        var graph = ArchitecturePictures.Draw(model, Architecture.FromJson(ExampleNet.Example));

        // 5 decisions, 3 scopes, 3 + 5 anonymous inputs; 3 + 3 + 5 arrows, 6 of them chosen.
        Assert.AreEqual(16, graph.NodeCount);
        Assert.AreEqual(11, graph.EdgeCount);
        Assert.AreEqual(6, graph.Panels[0].Edges.Count(e => e.Style == EdgeStyle.Solid));
        Assert.AreEqual("conv5x5", graph.Panels[0].Nodes.Single(n => n.Id == "LayerChoice1").Lines[1]);
    }

    [TestMethod]
    public void A_network_already_fixed_to_an_architecture_is_refused_with_what_to_draw_instead()
    {
        using var network = SearchSpaceRegistry.Build(Mlp, Vectors);
        FixedArchitecture.Apply(network, MlpArchitecture());

        var error = Assert.ThrowsExactly<ArgumentException>(() => ArchitecturePictures.Draw(network, MlpArchitecture()));
        StringAssert.Contains(error.Message, "already fixed");
    }

    [TestMethod]
    public void An_architecture_of_another_space_is_refused_naming_the_key()
    {
        using var network = SearchSpaceRegistry.Build(Mlp, Vectors);

        var error = Assert.ThrowsExactly<ArchitectureException>(() => ArchitecturePictures.Draw(network, EnasMacroArchitecture()));
        StringAssert.Contains(error.Message, "layer_0_op");
    }
}
