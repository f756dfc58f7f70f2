using System.Globalization;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Transforms;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Whether a retrained network's batch norms serve it in evaluation mode: an enas-macro architecture (<c>--architecture
/// FILE</c>, NNI's JSON) is retrained with the recipe (<c>--epochs</c>, seeds 1..<c>--seeds</c>), then scored on the test
/// digits in evaluation mode (as a model serves), on its own training digits in evaluation mode, on the test digits with
/// each batch's own statistics (training mode, batches of 64, nothing updated), and in evaluation mode after the running
/// statistics are re-estimated over the training digits. Per batch norm it prints how far the test batches' statistics
/// sit from the running ones in evaluation mode. <c>--shared-reductions</c> builds NNI's layout, whose shared factorized
/// reductions make the gap (README, "Shared reductions").
/// </summary>
internal static class EvalGapReport
{
    private const int BatchSize = 64;

    public static void Run(BenchmarkArguments options)
    {
        var digits = MnistDigits.Load();
        var architecture = Architecture.Load(options.ArchitectureFile
            ?? throw new ArgumentException("eval-gap needs --architecture FILE (an enas-macro architecture in NNI's JSON)."));
        var space = BaselinesReport.EnasSpace(options);
        Console.WriteLine($"eval-gap: {space}, retrained ×{options.Recipe.Width} wide for {options.Epochs} epochs ({options.Recipe}), architecture {architecture.ToJson()}");
        foreach (int seed in Enumerable.Range(1, options.Seeds))
        {
            var fixedOptions = new FixedArchitectureOptions
            {
                SearchSpace = space, Architecture = architecture, ImageShape = (1, MnistDigits.Side, MnistDigits.Side),
                FinalWidthMultiplier = options.Recipe.Width, FinalDepthMultiplier = options.Recipe.Depth, Device = options.Device, Threads = options.Threads,
            };
            options.Recipe.ApplyTo(fixedOptions.Final, options.Epochs);
            var ml = new MLContext(seed);
            // Keys by value, so that class index k is digit k and the network's argmax compares with the labels directly.
            var model = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                .Append(ml.Nas().FixedArchitecture(fixedOptions)).Fit(digits.TrainData(ml));
            var net = ((IEnumerable<ITransformer>)model).OfType<NasTransformer>().Single().Network;
            var device = net.parameters().First().device;
            using var testImages = tensor(digits.GetFeatures(digits.TestIndices), [digits.TestIndices.Length, 1, MnistDigits.Side, MnistDigits.Side]).to(device);
            using var testLabels = tensor(digits.GetLabels(digits.TestIndices)).to(device);
            using var trainImages = tensor(digits.GetFeatures(digits.TrainIndices), [digits.TrainIndices.Length, 1, MnistDigits.Side, MnistDigits.Side]).to(device);
            using var trainLabels = tensor(digits.GetLabels(digits.TrainIndices)).to(device);
            var norms = net.named_modules().Where(m => m.module is BatchNorm2d).Select(m => (m.name, Norm: (BatchNorm2d)m.module)).ToList();

            PrintStatisticsDrift(net, norms, testImages);
            double evaluationTest = Accuracy(net, norms, testImages, testLabels, batchStatistics: false);
            double evaluationTrain = Accuracy(net, norms, trainImages, trainLabels, batchStatistics: false);
            double batchStatisticsTest = Accuracy(net, norms, testImages, testLabels, batchStatistics: true);
            ReestimateStatistics(net, norms, trainImages);
            double reestimatedTest = Accuracy(net, norms, testImages, testLabels, batchStatistics: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT seed={seed} evaluation_test={evaluationTest:F2} evaluation_train={evaluationTrain:F2} batch_statistics_test={batchStatisticsTest:F2} reestimated_test={reestimatedTest:F2}"));
        }
    }

    private static IEnumerable<Tensor> Batches(Tensor images)
    {
        for (long start = 0; start < images.size(0); start += BatchSize)
        {
            yield return images.narrow(0, start, Math.Min(BatchSize, images.size(0) - start));
        }
    }

    // Training mode uses each batch's statistics but also moves the running ones: they are put back afterwards.
    private static double Accuracy(nn.Module<Tensor, Tensor> net, List<(string Name, BatchNorm2d Norm)> norms, Tensor images, Tensor labels, bool batchStatistics)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var saved = norms.Select(n => (Mean: n.Norm.running_mean!.clone(), Variance: n.Norm.running_var!.clone())).ToList();
        net.train(batchStatistics);
        long correct = 0, start = 0;
        foreach (var batch in Batches(images))
        {
            correct += net.call(batch).argmax(1).eq(labels.narrow(0, start, batch.size(0))).sum().item<long>();
            start += batch.size(0);
        }
        for (int i = 0; i < norms.Count; i++)
        {
            norms[i].Norm.running_mean!.copy_(saved[i].Mean);
            norms[i].Norm.running_var!.copy_(saved[i].Variance);
        }
        net.eval();
        return 100.0 * correct / images.size(0);
    }

    // Cumulative averages (momentum null) over the unaugmented training digits, in training mode.
    private static void ReestimateStatistics(nn.Module<Tensor, Tensor> net, List<(string Name, BatchNorm2d Norm)> norms, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var momenta = norms.Select(n => n.Norm.momentum).ToList();
        foreach (var (_, norm) in norms)
        {
            norm.reset_running_stats();
            norm.momentum = null;
        }
        net.train();
        foreach (var batch in Batches(images))
        {
            net.call(batch);
        }
        net.eval();
        for (int i = 0; i < norms.Count; i++)
        {
            norms[i].Norm.momentum = momenta[i];
        }
    }

    // Per batch norm, in evaluation mode: the largest per-channel shift of a test batch's mean from the running mean and
    // the largest ratio of its standard deviation to the running one (both in running-std units), median and worst batch.
    private static void PrintStatisticsDrift(nn.Module<Tensor, Tensor> net, List<(string Name, BatchNorm2d Norm)> norms, Tensor images)
    {
        foreach (var (name, norm) in norms)
        {
            var shifts = new List<double>();
            var ratios = new List<double>();
            var hook = norm.register_forward_pre_hook((_, input) =>
            {
                using var inner = NewDisposeScope();
                var runningStd = (norm.running_var! + norm.eps).sqrt();
                shifts.Add(((input.mean([0, 2, 3]) - norm.running_mean!) / runningStd).abs().max().item<float>());
                ratios.Add(((input.var([0, 2, 3]) + norm.eps).sqrt() / runningStd).max().item<float>());
                return input;
            });
            using (var scope = NewDisposeScope())
            using (var noGrad = no_grad())
            {
                net.eval();
                foreach (var batch in Batches(images))
                {
                    net.call(batch);
                }
            }
            hook.remove();
            shifts.Sort();
            ratios.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-28} mean shift: median {shifts[shifts.Count / 2]:F2}, worst {shifts[^1]:F2}; std ratio: median {ratios[ratios.Count / 2]:F2}, worst {ratios[^1]:F2}"));
        }
    }
}
