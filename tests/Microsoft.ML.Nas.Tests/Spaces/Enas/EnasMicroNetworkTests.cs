using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Spaces.Enas;
using Microsoft.ML.Nas.Strategies.Enas;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Spaces.Enas;

[TestClass]
public sealed class EnasMicroNetworkTests
{
    private static readonly SpaceContext Mnist = new([1, 28, 28], 10);

    private static long Parameters(nn.Module model) => model.parameters().Sum(p => p.numel());

    // A branch's LayerChoice holds two separable convs (depthwise k², pointwise c², affine BN 2c); pools and identity have none.
    private static long Cell(long c, long nodes) => nodes * 2 * ((9 * c + c * c + 2 * c) + (25 * c + c * c + 2 * c)) + c * (nodes + 2) * c;

    [TestMethod]
    public void The_supernet_has_the_hand_counted_parameters()
    {
        const int Nodes = 2, C = 4, Classes = 10;
        using var model = SearchSpaceRegistry.Build(SearchSpaces.EnasMicro(layers: 3, nodes: Nodes, channels: C, auxiliary: true), Mnist);
        long stem = 1 * 3 * C * 9 + 2 * 3 * C;
        long calibration = 2 * (3 * C * C);
        long cells = Cell(C, Nodes) + 2 * Cell(2 * C, Nodes) + 2 * Cell(4 * C, Nodes);
        long reductions = (3 * C * 2 * C) + (C * 2 * C) + 2 * (2 * C * 4 * C);
        long auxiliary = 4 * C * 128 + 128 * 768 + 768 * Classes;
        long classifier = 4 * C * Classes + Classes;
        Assert.AreEqual(stem + calibration + cells + reductions + auxiliary + classifier, Parameters(model));
    }

    [TestMethod]
    public void Logits_and_auxiliary_logits_have_one_row_per_image_for_mnist_and_cifar_shapes()
    {
        using var threads = new SingleThread();
        foreach (var shape in new[] { new long[] { 1, 28, 28 }, new long[] { 3, 32, 32 } })
        {
            using var model = (EnasMicroNetwork)SearchSpaceRegistry.Build(SearchSpaces.EnasMicro(layers: 3, nodes: 3, channels: 4), new SpaceContext(shape, 10));
            using var mutator = new RandomMutator(model, seed: 2);
            Assert.IsTrue(model.HasAuxiliaryHead);
            using var scope = NewDisposeScope();
            var input = randn([2, .. shape]);
            for (int i = 0; i < 3; i++)
            {
                mutator.Reset();
                model.train();
                var (logits, auxiliary) = model.ForwardWithAuxiliary(input);
                CollectionAssert.AreEqual(new long[] { 2, 10 }, logits.shape);
                CollectionAssert.AreEqual(new long[] { 2, 10 }, auxiliary!.shape);
                model.eval();
                Assert.IsNull(model.ForwardWithAuxiliary(input).Auxiliary, "Outside training the auxiliary head is not run.");
                CollectionAssert.AreEqual(new long[] { 2, 10 }, model.call(input).shape);
            }
        }
    }

    [TestMethod]
    public void Cells_of_one_kind_share_their_keys_and_nodes_choose_among_the_two_inputs_and_earlier_nodes()
    {
        using var model = SearchSpaceRegistry.Build(SearchSpaces.EnasMicro(layers: 3, nodes: 2, channels: 4, auxiliary: false), Mnist);
        var space = ModelSearchSpace.Of(model);
        // 2 cell kinds × 2 nodes × 2 branches × (input, op), whatever the number of cells.
        Assert.AreEqual(16, space.DecisionCount);
        var input = space["reduce_node_1_y_input"];
        CollectionAssert.AreEqual(new[] { "", "", "reduce_node_0" }, input.ChooseFrom.ToArray());
        Assert.AreEqual(1, input.NChosen);
        Assert.AreEqual(3, space["normal_node_0_x_op"].Mutables.Count, "The three normal cells share each normal key.");
        CollectionAssert.AreEqual(new[] { "sepconv3x3", "sepconv5x5", "avgpool", "maxpool", "identity" }, space["normal_node_0_x_op"].CandidateNames.ToArray());
    }

    [TestMethod]
    public void The_enas_controller_samples_the_micro_space_and_favours_convolutions_in_reduction_cells()
    {
        using var threads = new SingleThread();
        using var model = SearchSpaceRegistry.Build(SearchSpaces.EnasMicro(layers: 0, nodes: 2, channels: 2, auxiliary: false), Mnist);
        var options = EnasMutatorOptions.ForMicroSpace();
        options.BranchBias = 3;
        using var mutator = new EnasMutator(model, options);
        using var noGrad = no_grad();
        int convolutions = 0, draws = 0;
        for (int i = 0; i < 100; i++)
        {
            mutator.Reset();
            foreach (var key in new[] { "reduce_node_0_x_op", "reduce_node_1_y_op" })
            {
                var mask = mutator.GetDecision(key).data<bool>().ToArray();
                convolutions += mask[0] || mask[1] ? 1 : 0;
                draws++;
            }
        }
        Assert.IsGreaterThan(0.9 * draws, convolutions, $"{convolutions} of {draws} reduction ops were convolutions.");
        using var scope = NewDisposeScope();
        CollectionAssert.AreEqual(new long[] { 2, 10 }, model.call(randn(2, 1, 28, 28)).shape);
    }

    [TestMethod]
    public void A_misspelt_parameter_is_refused_by_name()
    {
        var misspelt = new SearchSpaceSpec("enas-micro", new Dictionary<string, object> { ["node"] = 3 });
        var error = Assert.ThrowsExactly<ArgumentException>(() => SearchSpaceRegistry.Build(misspelt, Mnist));
        StringAssert.Contains(error.Message, "'node'");
    }
}
