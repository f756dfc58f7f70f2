using Microsoft.ML.Data;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>
/// A real NAS model without a search: an architecture sampled from a small MLP space, trained for a few epochs on real
/// digits through the fixed-architecture estimator, after ML.NET's MapValueToKey on the label.
/// </summary>
internal static class TrainedMlp
{
    public static readonly SearchSpaceSpec Spec = SearchSpaces.Mlp(layers: 2, hidden: 64, widths: [32, 96]);

    /// <summary>An architecture of <see cref="Spec"/> sampled with <paramref name="seed"/>.</summary>
    public static Architecture SampleArchitecture(int seed) =>
        SampleArchitecture(Spec, new SpaceContext([MnistDigits.PixelsPerImage], MnistDigits.ClassCount), seed);

    /// <summary>An architecture of any <paramref name="spec"/>, drawn uniformly with <paramref name="seed"/>.</summary>
    public static Architecture SampleArchitecture(SearchSpaceSpec spec, SpaceContext context, int seed)
    {
        using var supernet = SearchSpaceRegistry.Build(spec, context);
        using var mutator = new RandomMutator(supernet, seed);
        return mutator.Export();
    }

    /// <summary>The estimator pipeline MapValueToKey → fixed-architecture NAS.</summary>
    public static EstimatorChain<NasTransformer> Pipeline(MLContext mlContext, int seed = 1, int epochs = 3) =>
        mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Nas().FixedArchitecture(new FixedArchitectureOptions
            {
                SearchSpace = Spec, Architecture = SampleArchitecture(seed), Final = { Epochs = epochs, BatchSize = 32, LearningRate = 0.1 },
                Device = "cpu", Seed = seed,
            }));

    /// <summary>The fitted pipeline on digits [0, trainRows) of the training split, and its NAS model.</summary>
    public static (TransformerChain<NasTransformer> Chain, NasTransformer Model) Fit(MLContext mlContext, int trainRows = 600, int seed = 1, int epochs = 3)
    {
        var digits = MnistDigits.Load();
        var chain = Pipeline(mlContext, seed, epochs).Fit(digits.ToDataView(mlContext, digits.TrainIndices[..trainRows]));
        return (chain, chain.LastTransformer);
    }

    /// <summary>
    /// <paramref name="chain"/> saved to memory and loaded in a fresh MLContext, as an application loads a model: the
    /// loaded chain and its NAS transformer.
    /// </summary>
    public static (ITransformer Chain, NasTransformer Model) SavedAndLoaded(MLContext mlContext, ITransformer chain, DataViewSchema schema)
    {
        using var stream = new MemoryStream();
        mlContext.Model.Save(chain, schema, stream);
        stream.Position = 0;
        var loaded = new MLContext(seed: 3).Model.Load(stream, out _);
        return (loaded, (NasTransformer)((TransformerChain<ITransformer>)loaded).LastTransformer);
    }

    /// <summary>The Score vectors of <paramref name="scored"/>, concatenated.</summary>
    public static float[] Scores(IDataView scored, string column = "Score") =>
        scored.GetColumn<VBuffer<float>>(column).SelectMany(v => v.DenseValues()).ToArray();
}
