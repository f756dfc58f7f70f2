using Microsoft.ML.Nas.Strategies.Enas;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

/// <summary>
/// Where every LayerChoice has the same number of candidates, the controller is NNI's: one head, the same parameters
/// (names, shapes, values) and the same samples for a seed. The values below were recorded from the controller of
/// commit 348a7cf (before heads per candidate count) on TwoScopeNet with seed 11.
/// </summary>
[TestClass]
public sealed class EnasControllerParityTests
{
    // (name, shape, sum, first value); sums may differ in the last bits between CPUs, first values may not.
    private static readonly (string Name, string Shape, double Sum, float First)[] Parameters =
    [
        ("startInput", "1,64", -1.385916829109192, 0.045278094708919525f),
        ("lstm.0.weight_ih", "256,64", 9.970865249633789, 0.06709364056587219f),
        ("lstm.0.weight_hh", "256,64", 0.7448031902313232, -0.03769698739051819f),
        ("attentionAnchor.weight", "64,64", -2.4620110988616943, 0.061559297144412994f),
        ("attentionQuery.weight", "64,64", 4.40310525894165, -0.0907704159617424f),
        ("attentionScore.weight", "1,64", -0.5937420129776001, 0.058284416794776917f),
        ("choiceHead.weight", "3,64", 0.13352933526039124, 0.0258674006909132f),
        ("choiceEmbedding.weight", "3,64", 6.370631217956543, 0.19156232476234436f),
    ];

    // (a_op, b_op, skip, Σ log p) of the first samples, any-subset skip (nChosen = null) and choose-one skip (nChosen = 1).
    private static readonly (string Architecture, double LogProbability)[] AnySubset =
    [
        ("0 2 [a]", -3.717684507369995), ("1 2 [a,b]", -3.7690629959106445), ("0 0 [a]", -3.6329829692840576),
        ("2 0 []", -3.4048542976379395), ("2 2 [a,b]", -3.6320362091064453), ("1 1 [a,b]", -3.588670015335083),
        ("2 1 []", -3.5882086753845215), ("1 1 []", -3.482205390930176),
    ];

    private static readonly (string Architecture, double LogProbability)[] ChooseOne =
    [
        ("2 0 [b]", -2.8435895442962646), ("2 0 [a]", -2.7456626892089844), ("2 2 [b]", -2.898852586746216),
        ("0 0 [b]", -2.8058738708496094), ("1 2 [a]", -3.025808572769165), ("0 0 [b]", -2.8058738708496094),
        ("2 2 [b]", -2.898852586746216), ("1 1 [b]", -2.8377342224121094),
    ];

    [TestMethod]
    public void Equal_sizes_keep_one_head_with_the_recorded_parameters()
    {
        using var threads = new SingleThread();
        using var model = new TwoScopeNet();
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { Seed = 11 });

        var parameters = mutator.Controller.named_parameters().ToList();

        CollectionAssert.AreEqual(Parameters.Select(p => p.Name).ToArray(), parameters.Select(p => p.name).ToArray());
        foreach (var ((name, shape, sum, first), (_, parameter)) in Parameters.Zip(parameters))
        {
            using var scope = NewDisposeScope();
            Assert.AreEqual(shape, string.Join(",", parameter.shape), name);
            Assert.AreEqual(sum, parameter.sum().ToDouble(), 1e-5, name);
            Assert.AreEqual(first, parameter.flatten()[0].ToSingle(), name);
        }
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow(1)]
    public void Equal_sizes_give_the_recorded_samples_and_log_probabilities(int? nChosen)
    {
        using var threads = new SingleThread();
        using var model = new TwoScopeNet(nChosen);
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { Seed = 11 });
        var expected = nChosen is null ? AnySubset : ChooseOne;

        foreach (var (architecture, logProbability) in expected)
        {
            mutator.Reset();
            var decisions = mutator.Export();
            string skip = "[" + string.Join(",", decisions["skip"].Names) + "]";
            Assert.AreEqual(architecture, $"{decisions["a_op"].Indices[0]} {decisions["b_op"].Indices[0]} {skip}");
            Assert.AreEqual(logProbability, mutator.SampleLogProbability.ToDouble(), 1e-6);
        }
    }
}
