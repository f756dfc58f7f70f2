using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Trains a fixed (pruned) network from scratch: SGD with momentum, cosine learning rate, gradient clipping at 5, and the
/// auxiliary head's loss weighted 0.4 when the network has one (the retraining recipe of DARTS and ENAS).
/// </summary>
internal sealed class FixedNetworkTraining
{
    public required int Epochs { get; init; }

    public required int BatchSize { get; init; }

    public required double LearningRate { get; init; }

    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; } = 3e-4;

    public required long Seed { get; init; }

    /// <summary>Called between batches; throws to stop (ML.NET cancellation).</summary>
    public Action CancellationCheck { get; init; } = () => { };

    /// <summary>Called after each epoch with its record.</summary>
    public Action<NasEpochRecord> EpochCompleted { get; init; } = _ => { };

    /// <summary>Called after each batch with (epoch, batch, batches per epoch).</summary>
    public Action<int, long, long> BatchCompleted { get; init; } = (_, _, _) => { };

    /// <summary>Trains <paramref name="model"/> (already on the data's device) and returns one record per epoch.</summary>
    public IReadOnlyList<NasEpochRecord> Train(nn.Module<Tensor, Tensor> model, TensorDataset train)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        var records = new List<NasEpochRecord>();
        if (Epochs == 0)
        {
            return records;
        }
        var sampler = new BatchSampler(train.Count, Math.Min(BatchSize, (int)train.Count), shuffle: true, dropLast: false, seed: Seed);
        using var optimizer = optim.SGD(model.parameters(), LearningRate, momentum: Momentum, weight_decay: WeightDecay);
        var auxiliary = model as IAuxiliaryHeadModel;
        model.train();
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            // Cosine annealing from the initial rate towards 0, set per epoch (as the DARTS retraining recipe does).
            double rate = LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / Epochs));
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = rate;
            }
            var started = System.Diagnostics.Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0, seen = 0, batchIndex = 0;
            foreach (var batch in train.Batches(sampler, epoch))
            {
                CancellationCheck();
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    optimizer.zero_grad();
                    Tensor logits, loss;
                    if (auxiliary is { HasAuxiliaryHead: true })
                    {
                        var (main, aux) = auxiliary.ForwardWithAuxiliary(batch.Features);
                        logits = main;
                        loss = nn.functional.cross_entropy(main, batch.Labels);
                        if (aux is not null)
                        {
                            loss = loss + 0.4 * nn.functional.cross_entropy(aux, batch.Labels);
                        }
                    }
                    else
                    {
                        logits = model.forward(batch.Features);
                        loss = nn.functional.cross_entropy(logits, batch.Labels);
                    }
                    loss.backward();
                    nn.utils.clip_grad_norm_(model.parameters(), 5.0);
                    optimizer.step();
                    lossSum += loss.item<float>() * batch.Size;
                    correct += logits.argmax(1).eq(batch.Labels).sum().item<long>();
                    seen += batch.Size;
                }
                BatchCompleted(epoch, ++batchIndex, sampler.BatchesPerEpoch);
            }
            var record = new NasEpochRecord(NasSearchHistory.FinalPhase, epoch, new Dictionary<string, double>
            {
                ["loss"] = lossSum / seen,
                ["accuracy"] = (double)correct / seen,
                ["learningRate"] = rate,
                ["seconds"] = started.Elapsed.TotalSeconds,
            });
            records.Add(record);
            EpochCompleted(record);
        }
        model.eval();
        return records;
    }
}
