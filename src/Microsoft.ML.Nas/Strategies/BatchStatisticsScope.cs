using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// While it lives, the batch normalizations of a model (in evaluation mode otherwise) normalize with each batch's own
/// statistics: they alone are put in training mode, so dropout and drop-path stay off. Training mode also moves their
/// running statistics; those are put back when the scope ends, so scoring leaves the model as it found it. The caller
/// restores the modes (as it put the model in evaluation mode).
/// </summary>
internal sealed class BatchStatisticsScope : IDisposable
{
    private readonly List<(Tensor Buffer, Tensor Saved)> saved = [];

    public BatchStatisticsScope(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in model.named_modules())
        {
            if (module is TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d or TorchSharp.Modules.BatchNorm3d)
            {
                module.train();
                foreach (var (_, buffer) in module.named_buffers(recurse: false))
                {
                    saved.Add((buffer, buffer.detach().clone().DetachFromDisposeScope()));
                }
            }
        }
    }

    public void Dispose()
    {
        using var noGrad = no_grad();
        foreach (var (buffer, copy) in saved)
        {
            buffer.copy_(copy);
            copy.Dispose();
        }
        saved.Clear();
    }
}
