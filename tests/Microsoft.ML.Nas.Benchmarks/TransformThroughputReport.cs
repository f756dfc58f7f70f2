using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Rows per second of <see cref="NasTransformer.Transform"/> (reading every Score through a cursor) against a plain
/// TorchSharp forward of the same fixed network on the same 2,000 test digits, batch for batch, in the same process.
/// </summary>
internal static class TransformThroughputReport
{
    public static void Run(BenchmarkArguments options)
    {
        int threads = TorchRuntime.ConfigureThreads(options.Threads);
        var mlContext = new MLContext(seed: 1);
        var digits = MnistDigits.Load();
        var spec = SearchSpaces.EnasMacro(layers: 4, filters: 16);
        var fitted = FitSampledArchitecture(mlContext, digits, spec, options, options.Device);
        using var model = fitted.LastTransformer;
        var test = digits.TestData(mlContext);
        var testIndices = digits.TestIndices;
        var device = DeviceSelection.Resolve(options.Device);
        using var inputs = tensor(digits.GetFeatures(testIndices), [testIndices.Length, 1, MnistDigits.Side, MnistDigits.Side]);
        Console.WriteLine($"transform throughput: {spec}, {model.ParameterCount:N0} parameters, {testIndices.Length} rows, " +
                          $"batch {NasTransformer.ScoringBatchSize}, device {device}, {threads} threads (machine may be loaded)");

        double ml = 0, plain = 0;
        var mlRates = new List<double>();
        var plainRates = new List<double>();
        for (int round = 0; round <= options.Rounds; round++)
        {
            ml = RowsPerSecond(testIndices.Length, () => ReadScores(model.Transform(test)));
            plain = RowsPerSecond(testIndices.Length, () => PlainForward(model.Network, inputs, device));
            if (round > 0)
            {
                // Round 0 warms both paths up.
                mlRates.Add(ml);
                plainRates.Add(plain);
            }
        }
        double mlMedian = StepTimer.Median(mlRates), plainMedian = StepTimer.Median(plainRates);
        Console.WriteLine($"  NasTransformer.Transform + cursor: median {mlMedian:N0} rows/s over {mlRates.Count} rounds");
        Console.WriteLine($"  plain TorchSharp forward:          median {plainMedian:N0} rows/s");
        Console.WriteLine($"  ratio: {mlMedian / plainMedian:P1} (target ≥ 80%)");
    }

    /// <summary>
    /// A NAS model of <paramref name="spec"/> for the digits with an architecture sampled at seed 1, trained one epoch on
    /// 512 digits: a stand-in for a found network where only the speed matters.
    /// </summary>
    internal static TransformerChain<NasTransformer> FitSampledArchitecture(MLContext mlContext, MnistDigits digits, SearchSpaceSpec spec,
        BenchmarkArguments options, string device)
    {
        var context = new SpaceContext([1, MnistDigits.Side, MnistDigits.Side], MnistDigits.ClassCount);
        Architectures.Architecture architecture;
        using (var supernet = SearchSpaceRegistry.Build(spec, context))
        using (var mutator = new RandomMutator(supernet, seed: 1))
        {
            architecture = mutator.Export();
        }
        return mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Nas().FixedArchitecture(new FixedArchitectureOptions
            {
                SearchSpace = spec, Architecture = architecture, ImageShape = (1, MnistDigits.Side, MnistDigits.Side),
                Final = { Epochs = 1 }, Device = device, Threads = options.Threads,
            }))
            .Fit(digits.ToDataView(mlContext, digits.TrainIndices[..512]));
    }

    private static double RowsPerSecond(int rows, Action run)
    {
        var clock = Stopwatch.StartNew();
        run();
        return rows / clock.Elapsed.TotalSeconds;
    }

    internal static void ReadScores(IDataView scored)
    {
        var score = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([score]);
        var getter = cursor.GetGetter<VBuffer<float>>(score);
        VBuffer<float> value = default;
        float sum = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            sum += value.GetValues()[0];
        }
        GC.KeepAlive(sum);
    }

    // What a hand-written scorer does: the features already in one tensor, softmax per batch, probabilities copied back.
    private static void PlainForward(nn.Module<Tensor, Tensor> network, Tensor inputs, Device device)
    {
        using var noGrad = no_grad();
        long rows = inputs.shape[0];
        float sum = 0;
        for (long start = 0; start < rows; start += NasTransformer.ScoringBatchSize)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(NasTransformer.ScoringBatchSize, rows - start);
            var probabilities = nn.functional.softmax(network.forward(inputs.narrow(0, start, count).to(device)), 1).cpu();
            sum += probabilities.data<float>()[0];
        }
        GC.KeepAlive(sum);
    }
}
