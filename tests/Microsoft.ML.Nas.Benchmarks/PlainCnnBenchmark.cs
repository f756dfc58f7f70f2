using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// Training-step and inference times of <see cref="PlainCnn"/> on real digits, batch 64, SGD lr 0.01 momentum 0.9:
/// the protocol of pytorch/plain_cnn.py, so the two can run side by side.
/// </summary>
internal sealed class PlainCnnBenchmark : IDisposable
{
    private const int BatchSize = 64;
    private const int BatchCount = 16;

    private readonly List<(Tensor Features, Tensor Labels)> _batches = [];
    private readonly PlainCnn _model = new();
    private readonly optim.Optimizer _optimizer;
    private readonly TorchSharp.Modules.CrossEntropyLoss _loss = nn.CrossEntropyLoss();
    private int _next;

    public PlainCnnBenchmark(Device device)
    {
        random.manual_seed(0);
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..(BatchSize * BatchCount)];
        for (int b = 0; b < BatchCount; b++)
        {
            var slice = indices.Slice(b * BatchSize, BatchSize);
            _batches.Add((
                tensor(digits.GetFeatures(slice), [BatchSize, 1, 28, 28]).to(device),
                tensor(digits.GetLabels(slice)).to(device)));
        }
        _model.to(device);
        _optimizer = optim.SGD(_model.parameters(), learningRate: 0.01, momentum: 0.9);
    }

    public void TrainStep()
    {
        using var scope = NewDisposeScope();
        var (features, labels) = NextBatch();
        _model.train();
        _optimizer.zero_grad();
        var loss = _loss.forward(_model.forward(features), labels);
        loss.backward();
        _optimizer.step();
    }

    public void InferenceStep()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _model.eval();
        _ = _model.forward(NextBatch().Features).argmax(1);
    }

    private (Tensor Features, Tensor Labels) NextBatch() => _batches[_next++ % BatchCount];

    public void Dispose()
    {
        foreach (var (features, labels) in _batches)
        {
            features.Dispose();
            labels.Dispose();
        }
        _optimizer.Dispose();
        _loss.Dispose();
        _model.Dispose();
    }

    /// <summary>Runs warm-up and timed steps with <paramref name="threads"/> threads and prints one line.</summary>
    public static (double TrainMedian, double InferenceMedian) Run(int threads, int warmup, int steps, string device)
    {
        TorchRuntime.ConfigureThreads(threads);
        var resolved = DeviceSelection.Resolve(device);
        using var benchmark = new PlainCnnBenchmark(resolved);
        var train = StepTimer.Measure(benchmark.TrainStep, warmup, steps, resolved);
        var inference = StepTimer.Measure(benchmark.InferenceStep, warmup, steps, resolved);
        Console.WriteLine($"  threads {threads}: train step {StepTimer.Describe(train)}; inference {StepTimer.Describe(inference)}");
        return (StepTimer.Median(train), StepTimer.Median(inference));
    }
}
