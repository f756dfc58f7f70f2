using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Onnx;

/// <summary>Custom spaces of TorchSharp's standard modules with fixed choices, and the error for a module without a translator.</summary>
[TestClass]
public sealed class OnnxCustomSpaceTests
{
    private static readonly long[] Image = [1, MnistDigits.Side, MnistDigits.Side];

    /// <summary>
    /// A custom network whose forward is not a chain: a stem, a LayerChoice, then an InputChoice over the stem's output,
    /// the choice's output and its normalized copy, reduced as <see cref="Reduction"/> says, then a ModuleList run in order.
    /// </summary>
    private sealed class SkipNet : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> stem;
        private readonly LayerChoice op;
        private readonly nn.Module<Tensor, Tensor> norm;
        private readonly InputChoice skip;
        private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> head;

        public SkipNet(Reduction reduction) : base(nameof(SkipNet))
        {
            stem = nn.Sequential(nn.Flatten(), nn.Linear(MnistDigits.PixelsPerImage, 32), nn.LayerNorm(32), nn.GELU());
            op = new LayerChoice(
                [
                    KeyValuePair.Create("relu", (nn.Module<Tensor, Tensor>)nn.Sequential(nn.Linear(32, 32), nn.ReLU())),
                    KeyValuePair.Create("tanh", (nn.Module<Tensor, Tensor>)nn.Sequential(nn.Linear(32, 32), nn.Tanh())),
                    KeyValuePair.Create("sigmoid", (nn.Module<Tensor, Tensor>)nn.Sequential(nn.Linear(32, 32), nn.Sigmoid())),
                ], key: "op");
            norm = nn.BatchNorm1d(32);
            skip = new InputChoice(3, nChosen: 2, reduction, key: "skip");
            head = nn.ModuleList<nn.Module<Tensor, Tensor>>(nn.Dropout(0.2), nn.Linear(reduction == Reduction.Concat ? 64 : 32, 10));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var features = stem.call(input);
            var chosen = op.call(features);
            var output = skip.forward([features, chosen, norm.call(chosen)]);
            foreach (var layer in head)
            {
                output = layer.call(output);
            }
            return output.MoveToOuterDisposeScope();
        }

        // What the forward does, in ONNX: the translator a custom module needs.
        public static OnnxValue Translate(SkipNet net, OnnxValue input, OnnxTranslation onnx)
        {
            var features = onnx.Module(net.stem, input, "stem");
            var chosen = onnx.Module(net.op, features, "op");
            var output = onnx.Choose(net.skip, [features, chosen, onnx.Module(net.norm, chosen, "norm")])!;
            return onnx.Module(net.head, output, "head");
        }
    }

    [TestMethod]
    public void A_custom_module_with_a_translator_and_fixed_choices_agrees_with_torchsharp_for_each_reduction()
    {
        foreach (var reduction in new[] { Reduction.Sum, Reduction.Mean, Reduction.Concat })
        {
            foreach (var (op, inputs) in new[] { ("tanh", new[] { 0, 2 }), ("sigmoid", new[] { 1, 2 }) })
            {
                manual_seed(3);
                using var network = new SkipNet(reduction);
                FixedArchitecture.Apply(network, new Architecture(
                [
                    KeyValuePair.Create("op", ArchitectureChoice.Name(op)),
                    KeyValuePair.Create("skip", ArchitectureChoice.OfIndices(inputs)),
                ]));
                OnnxCheck.Perturb(network, Image, seed: 3);
                var options = new OnnxExportOptions().AddTranslator<SkipNet>(SkipNet.Translate);
                OnnxCheck.AssertAgrees(network, Image, $"{reduction}, {op}, inputs {string.Join("+", inputs)}", options: options);
            }
        }
    }

    [TestMethod]
    public void A_sequential_custom_space_exports_without_a_translator_with_weighted_choices_folded_norms_and_scopes()
    {
        manual_seed(5);
        using var network = nn.Sequential(
            ("conv", nn.Conv2d(1, 4, 3, stride: 2, padding: 1)),
            ("bn", nn.BatchNorm2d(4)),
            ("relu", nn.ReLU()),
            ("scope", new MutableScope("block", nn.Sequential(nn.Conv2d(4, 4, 3, padding: 1, dilation: 1, groups: 2, bias: false), nn.BatchNorm2d(4), nn.Tanh()))),
            ("mix", new LayerChoice(
                [
                    KeyValuePair.Create("wide", (nn.Module<Tensor, Tensor>)nn.Sequential(nn.Conv2d(4, 4, 5, padding: 4, dilation: 2), nn.ReLU())),
                    KeyValuePair.Create("narrow", (nn.Module<Tensor, Tensor>)nn.Sequential(nn.Conv2d(4, 4, 1), nn.Sigmoid())),
                    KeyValuePair.Create("plain", (nn.Module<Tensor, Tensor>)nn.Identity()),
                ], Reduction.Mean, key: "mix")),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("layers", nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ELU(), nn.Linear(16, 10))));
        FixedArchitecture.Apply(network, new Architecture([KeyValuePair.Create("mix", ArchitectureChoice.OfWeights(0.25f, 0.75f, 0f))]));
        OnnxCheck.Perturb(network, Image, seed: 5);
        OnnxCheck.AssertAgrees(network, Image, "sequential custom space");
    }

    [TestMethod]
    public void A_module_without_a_translator_is_named_with_its_path_and_the_file_is_left_alone()
    {
        using var network = nn.Sequential(("flatten", nn.Flatten()), ("body", nn.Sequential(("linear", nn.Linear(784, 10)), ("odd", nn.Softplus()))));
        string path = Path.Combine(Path.GetTempPath(), $"nas-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "previous");
        try
        {
            var error = Assert.ThrowsExactly<NotSupportedException>(() => OnnxExport.Save(network, Image, path));
            StringAssert.Contains(error.Message, "'body.odd'");
            StringAssert.Contains(error.Message, "Softplus");
            StringAssert.Contains(error.Message, "AddTranslator");
            Assert.AreEqual("previous", File.ReadAllText(path), "A failed export leaves the existing file as it was.");
            Assert.IsEmpty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(path)}.*.tmp"), "No temporary file is left behind.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Labels_that_do_not_match_the_classes_and_an_empty_sample_shape_are_refused()
    {
        using var network = nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(784, 10)));
        string path = Path.Combine(Path.GetTempPath(), $"nas-onnx-{Guid.NewGuid():N}.onnx");
        var labels = Assert.ThrowsExactly<ArgumentException>(
            () => OnnxExport.Save(network, Image, path, new OnnxExportOptions { ClassLabels = ["a", "b", "c"] }));
        StringAssert.Contains(labels.Message, "3 class labels");
        StringAssert.Contains(labels.Message, "10 classes");
        var shape = Assert.ThrowsExactly<ArgumentException>(() => OnnxExport.Save(network, [], path));
        Assert.AreEqual("sampleShape", shape.ParamName);
        Assert.IsFalse(File.Exists(path));
    }

    [TestMethod]
    public void A_supernet_is_refused_with_the_key_of_its_first_unfixed_choice()
    {
        using var network = new SkipNet(Reduction.Sum);
        var options = new OnnxExportOptions().AddTranslator<SkipNet>(SkipNet.Translate);
        string path = Path.Combine(Path.GetTempPath(), $"nas-onnx-{Guid.NewGuid():N}.onnx");
        var error = Assert.ThrowsExactly<NotSupportedException>(() => OnnxExport.Save(network, Image, path, options));
        StringAssert.Contains(error.Message, "LayerChoice 'op'");
        StringAssert.Contains(error.Message, "FixedArchitecture");
        Assert.IsFalse(File.Exists(path));
    }
}
