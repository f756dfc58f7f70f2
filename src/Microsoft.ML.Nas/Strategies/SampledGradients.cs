using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// Which weights of the supernet have a gradient tensor yet, kept through a checkpoint. A candidate gets one the first
/// time a sampled architecture uses it; from then on SGD decays it and applies its momentum at every step, used or
/// not (PyTorch 1.x semantics, as NNI ran). A resumed search must give the same weights those updates, or it drifts.
/// Every checkpoint holds it (<see cref="OneShotCheckpoint"/>), so each sampling strategy resumes exactly.
/// </summary>
internal static class SampledGradients
{
    public static void Write(BinaryWriter writer, nn.Module model)
    {
        var parameters = model.parameters().ToList();
        writer.Write(parameters.Count);
        foreach (var parameter in parameters)
        {
            using var gradient = parameter.grad;
            writer.Write(gradient is not null);
        }
    }

    public static void Read(BinaryReader reader, nn.Module model)
    {
        var parameters = model.parameters().ToList();
        int count = reader.ReadInt32();
        if (count != parameters.Count)
        {
            throw new InvalidDataException($"The checkpoint describes {count} weight tensors; this model has {parameters.Count}.");
        }
        using var noGrad = no_grad();
        foreach (var parameter in parameters)
        {
            bool hadGradient = reader.ReadBoolean();
            using var gradient = parameter.grad;
            if (hadGradient && gradient is null)
            {
                // The parameter keeps its own reference to the gradient; this handle can go.
                using var zero = zeros_like(parameter);
                parameter.grad = zero;
            }
        }
    }
}
