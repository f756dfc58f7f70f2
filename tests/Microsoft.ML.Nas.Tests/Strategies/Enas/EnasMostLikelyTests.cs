using Microsoft.ML.Nas.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

/// <summary>The controller's most likely architecture, which the ENAS history reports at every epoch's end.</summary>
[TestClass]
public sealed class EnasMostLikelyTests
{
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }

    [TestMethod]
    public void It_takes_the_likeliest_candidate_and_reports_its_probability()
    {
        // The branch bias pushes the conv candidate of a "reduce" key far above the others (softmax ≈ 0.9999).
        using var threads = new SingleThread();
        using var model = new OneChoiceNet("reduce_op", "pool", "conv", "identity");
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { BranchBias = 5, Seed = 3 });

        var (architecture, logProbability, decisions, parameterFree) = mutator.MostLikely();

        Assert.AreEqual("\"conv\"", architecture["reduce_op"].ToString());
        Assert.AreEqual(1, decisions);
        Assert.IsGreaterThan(0.99, Math.Exp(logProbability));
        Assert.IsLessThanOrEqualTo(0.0, logProbability);
        Assert.AreEqual(1.0, parameterFree, "the toy candidates scale their input and hold no parameters");
    }

    [TestMethod]
    public void It_draws_nothing_so_the_sampling_stream_and_the_decisions_stay_as_they_were()
    {
        using var threads = new SingleThread();
        using var model = new TwoScopeNet();
        using var mutator = new EnasMutator(model, new EnasMutatorOptions { Seed = 11 });
        ulong position = mutator.SamplerState;
        string decisions = mutator.Export().ToJson();

        var first = mutator.MostLikely();
        var second = mutator.MostLikely();

        Assert.AreEqual(position, mutator.SamplerState);
        Assert.AreEqual(decisions, mutator.Export().ToJson());
        Assert.AreEqual(first.Architecture.ToJson(), second.Architecture.ToJson());
        Assert.AreEqual(first.LogProbability, second.LogProbability);
        // a_op, b_op and the any-subset skip: three decisions.
        Assert.AreEqual(3, first.Decisions);
    }

    [TestMethod]
    public void It_leaves_no_tensor_behind()
    {
        using var threads = new SingleThread();
        using var model = new TwoScopeNet();
        using var mutator = new EnasMutator(model);
        mutator.MostLikely();
        long before = LiveTensors();
        for (int i = 0; i < 50; i++)
        {
            mutator.MostLikely();
        }
        Assert.AreEqual(before, LiveTensors());
    }
}
