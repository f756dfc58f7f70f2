using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>
/// A user's own space, registered by name: the MLP space inside a module that counts its forwards, so tests can see
/// how often scoring runs the network.
/// </summary>
internal sealed class CountingSpace : nn.Module<Tensor, Tensor>
{
    public const string Kind = "test-counting-mlp";

    private static int forwards;
    private readonly nn.Module<Tensor, Tensor> inner;

    private CountingSpace(SearchSpaceSpec spec, SpaceContext context)
        : base(nameof(CountingSpace))
    {
        inner = SearchSpaceRegistry.Build(AsMlp(spec), context);
        RegisterComponents();
    }

    /// <summary>Forwards run by every instance since the process started.</summary>
    public static int Forwards => Volatile.Read(ref forwards);

    public static SearchSpaceSpec Spec => new(Kind, TrainedMlp.Spec.Parameters.Select(p => KeyValuePair.Create(p.Key, (object)p.Value)));

    public static void Register() => SearchSpaceRegistry.Register(Kind, (spec, context) => new CountingSpace(spec, context));

    public static Microsoft.ML.Nas.Architectures.Architecture SampleArchitecture(int seed)
    {
        Register();
        using var supernet = SearchSpaceRegistry.Build(Spec, new SpaceContext([MnistDigits.PixelsPerImage], MnistDigits.ClassCount));
        using var mutator = new Microsoft.ML.Nas.Mutators.RandomMutator(supernet, seed);
        return mutator.Export();
    }

    /// <summary>The built-in MLP spec with <paramref name="spec"/>'s parameters: how a custom space wraps a built-in one.</summary>
    public static SearchSpaceSpec AsMlp(SearchSpaceSpec spec) =>
        new(SearchSpaces.MlpKind, spec.Parameters.Select(p => KeyValuePair.Create(p.Key, (object)p.Value)));

    public override Tensor forward(Tensor input)
    {
        Interlocked.Increment(ref forwards);
        return inner.forward(input);
    }
}
