using Microsoft.ML.Nas.Data;
using TorchSharp;
using NormBase = TorchSharp.Modules.NormBase;
using BatchNorm1d = TorchSharp.Modules.BatchNorm1d;
using BatchNorm2d = TorchSharp.Modules.BatchNorm2d;
using BatchNorm3d = TorchSharp.Modules.BatchNorm3d;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// Scores the supernet under its current decisions on scoring data. With batch-norm batches above 0 it first
/// re-estimates the batch-norm statistics for those decisions, as SPOS does before scoring a candidate (the running
/// statistics of single-path training mix every path's): they are reset, averaged over the same few training batches
/// in training mode without gradients, used for the score, and then put back, with torch's random state, so scoring
/// changes nothing the search continues with.
/// </summary>
internal sealed class CandidateScorer
{
    private readonly OneShotContext context;
    private readonly TensorDataset data;
    private readonly TensorDataset calibrationData;
    private readonly Func<Tensor, Tensor, double> metric;
    private readonly int batchNormBatches;
    private readonly BatchSampler calibrationSampler;
    private readonly NormBase[] batchNorms;

    public CandidateScorer(OneShotContext context, TensorDataset data, Func<Tensor, Tensor, double> metric, TensorDataset calibrationData, int batchNormBatches)
    {
        this.context = context;
        this.data = data;
        this.metric = metric;
        this.calibrationData = calibrationData;
        this.batchNormBatches = batchNormBatches;
        calibrationSampler = new BatchSampler(calibrationData.Count, (int)Math.Min(context.Options.BatchSize, calibrationData.Count), shuffle: true,
            seed: context.Environment.Seed ^ 0x5B05);
        batchNorms = context.Model.modules().OfType<NormBase>().Where(m => m is BatchNorm1d or BatchNorm2d or BatchNorm3d).ToArray();
    }

    /// <summary>The data candidates are scored on.</summary>
    public TensorDataset Data => data;

    /// <summary>Mean loss and metric of the current decisions (after re-estimating batch-norm statistics, when asked).</summary>
    public EvaluationResult Score()
    {
        if (batchNormBatches == 0 || batchNorms.Length == 0)
        {
            return context.Evaluate(data, metric);
        }
        var model = context.Model;
        var saved = model.named_buffers().Select(b => (Buffer: b.buffer, Copy: b.buffer.detach().clone())).ToList();
        var momenta = batchNorms.Select(b => b.momentum).ToArray();
        using var rng = random.get_rng_state();
        bool wasTraining = model.training;
        try
        {
            using (no_grad())
            {
                foreach (var norm in batchNorms)
                {
                    norm.reset_running_stats();
                    // No momentum: a cumulative average, so a few batches give the statistics of those batches.
                    norm.momentum = null;
                }
                model.train();
                foreach (var batch in calibrationData.Batches(calibrationSampler, 0).Take(batchNormBatches))
                {
                    using var scope = NewDisposeScope();
                    using var owned = batch;
                    context.Environment.CancellationToken.ThrowIfCancellationRequested();
                    model.call(batch.Features);
                }
            }
            return context.Evaluate(data, metric);
        }
        finally
        {
            model.train(wasTraining);
            using (no_grad())
            {
                foreach (var (buffer, copy) in saved)
                {
                    buffer.copy_(copy);
                    copy.Dispose();
                }
            }
            for (int i = 0; i < batchNorms.Length; i++)
            {
                batchNorms[i].momentum = momenta[i];
            }
            random.set_rng_state(rng);
        }
    }
}
