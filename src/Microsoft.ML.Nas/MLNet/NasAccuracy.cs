using Microsoft.ML.Nas.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>Top-1 accuracy of a network on a data set, in evaluation mode, batch by batch.</summary>
internal static class NasAccuracy
{
    private const int BatchSize = 512;

    public static double Of(nn.Module<Tensor, Tensor> model, TensorDataset data)
    {
        bool wasTraining = model.training;
        model.eval();
        long correct = 0;
        try
        {
            using var noGrad = no_grad();
            foreach (var batch in data.Batches(new BatchSampler(data.Count, BatchSize, shuffle: false), epoch: 0))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    correct += model.forward(batch.Features).argmax(1).eq(batch.Labels).sum().item<long>();
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return (double)correct / data.Count;
    }
}
