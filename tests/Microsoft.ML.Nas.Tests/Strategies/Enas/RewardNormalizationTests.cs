using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

/// <summary>Scoring with batch statistics normalizes each batch by itself and leaves dropout off and the mode as it was.</summary>
[TestClass]
public sealed class RewardNormalizationTests
{
    [TestMethod]
    public void Batch_statistics_normalize_by_the_batch_while_dropout_stays_off()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        // Running statistics far from the data's: with them the scores would be off by the shift.
        var norm = nn.BatchNorm1d(3);
        var drop = nn.Dropout(0.9);
        var head = nn.Linear(3, 2);
        var net = nn.Sequential(("norm", norm), ("drop", drop), ("head", head));
        using (no_grad())
        {
            norm.running_mean!.fill_(50);
        }
        var features = randn(64, 3) * 2 + 5;
        using var data = new TensorDataset(features, randint(0, 2, [64], dtype: ScalarType.Int64), CPU, 2);
        Func<Tensor, Tensor, Tensor> loss = (logits, labels) => nn.functional.cross_entropy(logits, labels);
        net.train();

        var running = Evaluation.Run(net, data, 64, loss, Metrics.Accuracy, CancellationToken.None);
        var batch = Evaluation.Run(net, data, 64, loss, Metrics.Accuracy, CancellationToken.None, batchStatistics: true);
        var again = Evaluation.Run(net, data, 64, loss, Metrics.Accuracy, CancellationToken.None, batchStatistics: true);

        net.eval();
        Tensor expected;
        using (var statistics = new BatchStatisticsScope(net))
        {
            Assert.IsTrue(norm.training && !drop.training, "only the batch normalization trains");
            expected = net.call(features);
        }
        Assert.AreEqual(50f, norm.running_mean!.mean().item<float>(), 1e-6f, "the running statistics are put back");
        using (no_grad())
        {
            var normalized = (features - features.mean([0])) / (features.var([0], unbiased: false) + 1e-5).sqrt();
            Assert.IsTrue(expected.allclose(head.call(normalized), rtol: 1e-4, atol: 1e-4), "a batch normalized by its own statistics, no dropout");
        }
        Assert.AreEqual(batch.Loss, again.Loss, 1e-6, "dropout stays off: two scorings agree");
        Assert.AreNotEqual(running.Loss, batch.Loss, 1e-3, "running statistics of 50 score differently");
        net.train();
        Evaluation.Run(net, data, 64, loss, Metrics.Accuracy, CancellationToken.None, batchStatistics: true);
        Assert.IsTrue(net.training && drop.training, "the model's mode is restored");
    }
}
