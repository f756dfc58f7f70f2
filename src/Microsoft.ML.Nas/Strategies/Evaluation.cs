using Microsoft.ML.Nas.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>Evaluates a model over a dataset in order, batch by batch, without gradients; restores its mode.</summary>
internal static class Evaluation
{
    /// <summary>
    /// The mean loss and metric of <paramref name="model"/> over <paramref name="data"/>; with
    /// <paramref name="batchStatistics"/>, batch normalizations use each batch's own statistics (<see cref="BatchStatisticsScope"/>).
    /// </summary>
    public static EvaluationResult Run(nn.Module<Tensor, Tensor> model, TensorDataset data, int batchSize,
        Func<Tensor, Tensor, Tensor> loss, Func<Tensor, Tensor, double> metric, CancellationToken cancellation, bool batchStatistics = false)
    {
        bool wasTraining = model.training;
        model.eval();
        using var statistics = batchStatistics ? new BatchStatisticsScope(model) : null;
        try
        {
            using var noGrad = no_grad();
            var sampler = new BatchSampler(data.Count, (int)Math.Min(batchSize, data.Count), shuffle: false);
            double lossSum = 0, metricSum = 0;
            long count = 0;
            foreach (var batch in data.Batches(sampler, 0))
            {
                using var scope = NewDisposeScope();
                using var owned = batch;
                cancellation.ThrowIfCancellationRequested();
                var logits = model.call(batch.Features);
                long size = batch.Size;
                lossSum += loss(logits, batch.Labels).ToDouble() * size;
                metricSum += metric(logits, batch.Labels) * size;
                count += size;
            }
            return new EvaluationResult(lossSum / count, metricSum / count, count);
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
