using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Persistence;

/// <summary>Builds the fixed network of a spec and an architecture: the supernet, pruned to the architecture.</summary>
internal static class NasNetworkBuilder
{
    /// <exception cref="KeyNotFoundException">The spec's kind is not registered; the message names it.</exception>
    public static nn.Module<Tensor, Tensor> BuildFixed(SearchSpaceSpec spec, SpaceContext context, Architecture architecture)
    {
        var model = SearchSpaceRegistry.Build(spec, context);
        try
        {
            FixedArchitecture.Apply(model, architecture);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
