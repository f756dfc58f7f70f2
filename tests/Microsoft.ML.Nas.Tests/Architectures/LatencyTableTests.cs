using System.Text.Json.Nodes;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static Microsoft.ML.Nas.Tests.Strategies.SinglePathFixture;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Architectures;

/// <summary>
/// The latency table: cached and reused, measured again when its file is damaged, and its prediction is its fixed part
/// plus the chosen candidates. Timings on a shared machine are noise, so the tests check structure, never speed.
/// </summary>
[TestClass]
public sealed class LatencyTableTests
{
    private static readonly long[] Sample = [MnistDigits.Side * MnistDigits.Side];

    [TestMethod]
    public void The_table_is_read_from_its_cache_and_measured_again_when_the_file_is_damaged() => InTemporaryFolder("latency-cache", folder =>
    {
        using var model = Mlp();
        var first = LatencyTable.Measure(model, Sample, CPU, threads: 1, [1, 8], folder);
        Assert.IsFalse(first.LoadedFromCache);
        Assert.IsNotNull(first.CacheFile);
        Assert.IsTrue(File.Exists(first.CacheFile));
        var written = File.GetLastWriteTimeUtc(first.CacheFile);

        // Another instance of the same space reads the file: the same numbers, and the file is not written again.
        using var same = Mlp();
        var second = LatencyTable.Measure(same, Sample, CPU, threads: 1, [1, 8], folder);
        Assert.IsTrue(second.LoadedFromCache);
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(first.CacheFile));
        foreach (int batch in new[] { 1, 8 })
        {
            Assert.AreEqual(first.FixedMilliseconds(batch), second.FixedMilliseconds(batch));
            foreach (var decision in LayerChoices(model))
            {
                for (int i = 0; i < decision.CandidateCount; i++)
                {
                    Assert.AreEqual(first.CandidateMilliseconds(decision.Key, i, batch), second.CandidateMilliseconds(decision.Key, i, batch));
                }
            }
        }

        // Fewer batch sizes are read from the same file; one it lacks is measured and added, the others kept.
        Assert.IsTrue(LatencyTable.Measure(same, Sample, CPU, threads: 1, [8], folder).LoadedFromCache);
        var more = LatencyTable.Measure(same, Sample, CPU, threads: 1, [1, 4], folder);
        Assert.IsFalse(more.LoadedFromCache);
        Assert.AreEqual(first.CacheFile, more.CacheFile);
        CollectionAssert.AreEqual(new[] { 1, 4, 8 }, more.BatchSizes.ToArray());
        Assert.AreEqual(first.FixedMilliseconds(8), more.FixedMilliseconds(8));
        Assert.IsTrue(LatencyTable.Measure(same, Sample, CPU, threads: 1, [1, 4, 8], folder).LoadedFromCache);

        // A file that is not JSON, or whose entries are impossible, is measured again and replaced.
        File.WriteAllText(first.CacheFile, "{ this is not a latency table");
        var afterGarbage = LatencyTable.Measure(same, Sample, CPU, threads: 1, [1, 8], folder);
        Assert.IsFalse(afterGarbage.LoadedFromCache);
        Assert.IsTrue(LatencyTable.Measure(same, Sample, CPU, threads: 1, [1, 8], folder).LoadedFromCache, "the rewritten file is good");

        var json = JsonNode.Parse(File.ReadAllText(first.CacheFile))!;
        json["batches"]![0]!["fixedMilliseconds"] = -1.0;
        File.WriteAllText(first.CacheFile, json.ToJsonString());
        Assert.IsFalse(LatencyTable.Measure(same, Sample, CPU, threads: 1, [1, 8], folder).LoadedFromCache, "a negative latency is damage");

        json = JsonNode.Parse(File.ReadAllText(first.CacheFile))!;
        json["key"] = "another machine";
        File.WriteAllText(first.CacheFile, json.ToJsonString());
        Assert.IsFalse(LatencyTable.Measure(same, Sample, CPU, threads: 1, [1, 8], folder).LoadedFromCache, "a file of another key is stale");
    });

    [TestMethod]
    public void A_prediction_is_the_fixed_part_plus_the_chosen_candidates() => InTemporaryFolder("latency-predict", folder =>
    {
        using var model = Mlp();
        var table = LatencyTable.Measure(model, Sample, CPU, threads: 1, [1, 8], folder);
        var decisions = LayerChoices(model);
        Assert.IsTrue(decisions.All(d => Enumerable.Range(0, d.CandidateCount).All(i => table.CandidateMilliseconds(d.Key, i) > 0)),
            "every candidate is a linear layer and an activation: it takes time");
        using var mutator = new RandomMutator(model, seed: 3);
        for (int draw = 0; draw < 5; draw++)
        {
            mutator.Reset();
            var architecture = mutator.Export();
            foreach (int batch in new[] { 1, 8 })
            {
                double sum = table.FixedMilliseconds(batch) + decisions.Sum(d =>
                    table.CandidateMilliseconds(d.Key, d.CandidateNames.ToList().IndexOf(architecture[d.Key].Names[0]), batch));
                Assert.AreEqual(sum, table.Predict(architecture, batch).TotalMilliseconds, 1e-3);
                Assert.IsLessThanOrEqualTo(table.Predict(architecture, batch), table.Smallest(batch));
            }
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => table.Predict(mutator.Export(), batchSize: 256), "a batch size not measured");
    });

    [TestMethod]
    public void Measuring_leaves_the_supernet_its_mode_its_statistics_and_torchs_generator() => InTemporaryFolder("latency-untouched", folder =>
    {
        using var model = SearchSpaceRegistry.Build(Space, Context);
        model.train();
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var mutator = new RandomMutator(model, seed: 1);
        random.manual_seed(5);
        var table = LatencyTable.Measure(model, [1, 28, 28], CPU, threads: 1, [2], folder);
        var draw = rand(4).data<float>().ToArray();
        random.manual_seed(5);
        CollectionAssert.AreEqual(rand(4).data<float>().ToArray(), draw, "the measurement drew nothing from torch's generator");
        Assert.IsTrue(model.training);
        foreach (var (name, value) in model.state_dict())
        {
            Assert.IsTrue(before[name].eq(value).all().item<bool>(), $"{name} changed");
        }
        // The mutator is bound again: the supernet runs under its decisions.
        using var output = model.call(zeros(2, 1, 28, 28));
        Assert.AreEqual(2, output.shape[0]);
        Assert.IsGreaterThan(0.0, table.FixedMilliseconds(2) + table.CandidateMilliseconds(LayerChoices(model)[0].Key, 0, 2));
    });

    [TestMethod]
    public void The_supernet_under_an_architectures_masks_does_the_work_of_its_pruned_network()
    {
        // The table times whole forwards of the supernet under masks and predicts the pruned network's latency: work the
        // masked supernet does beyond the pruned network (reading each mask back from a tensor) is latency predicted for
        // every architecture and paid by none, a fifth of a batch-1 forward of the digits' enas-macro 4 x 16.
        var spec = SearchSpaces.EnasMacro(layers: 3, filters: 4);
        random.manual_seed(7);
        using var supernet = SearchSpaceRegistry.Build(spec, Context);
        using var mutator = new RandomMutator(supernet, seed: 4);
        var space = ModelSearchSpace.Of(supernet);
        Assert.IsTrue(space.Decisions.Any(d => d.Kind == MutableKind.InputChoice), "both kinds of choice are exercised");
        for (int draw = 0; draw < 3; draw++)
        {
            mutator.Reset();
            var architecture = mutator.Export();
            using var pruned = SearchSpaceRegistry.Build(spec, Context);
            FixedArchitecture.Apply(pruned, architecture, inheritFrom: supernet);
            supernet.eval();
            pruned.eval();
            using var noGrad = no_grad();
            using var input = randn(2, 1, 28, 28);
            var (prunedOutput, prunedTensors) = TensorsCreatedBy(() => pruned.call(input));
            Tensor maskedOutput;
            long maskedTensors;
            using (new MaskDecider(space, ArchitectureResolver.ToMasks(architecture, space)))
            {
                (maskedOutput, maskedTensors) = TensorsCreatedBy(() => supernet.call(input));
            }
            Assert.IsTrue(prunedOutput.allclose(maskedOutput, rtol: 1e-5, atol: 1e-6), "the masks run the pruned network's candidates");
            Assert.AreEqual(prunedTensors, maskedTensors, $"tensors created by a forward of {architecture.ToJson()}");
            prunedOutput.Dispose();
            maskedOutput.Dispose();
        }
    }

    private static (Tensor Output, long Created) TensorsCreatedBy(Func<Tensor> forward)
    {
        var statistics = DisposeScopeManager.Statistics;
        long before = statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount;
        var output = forward();
        return (output, statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount - before);
    }

    private static nn.Module<Tensor, Tensor> Mlp() =>
        SearchSpaceRegistry.Build(SearchSpaces.Mlp(layers: 2, hidden: 16), new SpaceContext(Sample, MnistDigits.ClassCount));

    private static List<DecisionInfo> LayerChoices(nn.Module model) =>
        ModelSearchSpace.Of(model).Decisions.Where(d => d.Kind == MutableKind.LayerChoice).ToList();
}
