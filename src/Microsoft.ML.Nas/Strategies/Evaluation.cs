using Microsoft.ML.Nas.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>Evaluates a model over a dataset in order, batch by batch, without gradients; restores its mode.</summary>
internal static class Evaluation
{
    /// <summary>
    /// The mean loss and metric of <paramref name="model"/> over <paramref name="data"/>; with
    /// <paramref name="batchStatistics"/>, batch normalizations use each batch's own statistics (<see cref="UseBatchStatistics"/>).
    /// </summary>
    public static EvaluationResult Run(nn.Module<Tensor, Tensor> model, TensorDataset data, int batchSize,
        Func<Tensor, Tensor, Tensor> loss, Func<Tensor, Tensor, double> metric, CancellationToken cancellation, bool batchStatistics = false)
    {
        bool wasTraining = model.training;
        model.eval();
        if (batchStatistics)
        {
            UseBatchStatistics(model);
        }
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

    /// <summary>
    /// Puts the batch normalizations of <paramref name="model"/> (in evaluation mode otherwise) in training mode, so they
    /// normalize with the batch's own statistics; dropout and drop-path stay off.
    /// </summary>
    public static void UseBatchStatistics(nn.Module model)
    {
        foreach (var (_, module) in model.named_modules())
        {
            if (module is TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d or TorchSharp.Modules.BatchNorm3d)
            {
                module.train();
            }
        }
    }
}
