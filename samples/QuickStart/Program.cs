using System.Diagnostics;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using QuickStart;
using TorchSharp;
using static TorchSharp.torch;

// Quick start on the embedded MNIST digits (8,000 train / 2,000 test): trains a small fixed CNN with TorchSharp and
// prints its test accuracy.   dotnet run --project samples/QuickStart -- [--epochs 1] [--device auto] [--threads N]
string device = "auto";
int epochs = 1;
int? threads = null;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
    switch (args[i])
    {
        case "--device": device = Value(); break;
        case "--epochs": epochs = int.Parse(Value()); break;
        case "--threads": threads = int.Parse(Value()); break;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Options: --epochs N, --device auto|cpu|cuda[:N], --threads N.");
            return 2;
    }
}

TorchRuntime.EnsureAvailable();
int threadCount = TorchRuntime.ConfigureThreads(threads);
var target = DeviceSelection.Resolve(device);
random.manual_seed(1);

var digits = MnistDigits.Load();
using var trainX = tensor(digits.GetFeatures(digits.TrainIndices), [MnistDigits.TrainCount, 1, 28, 28]).to(target);
using var trainY = tensor(digits.GetLabels(digits.TrainIndices)).to(target);
using var testX = tensor(digits.GetFeatures(digits.TestIndices), [MnistDigits.TestCount, 1, 28, 28]).to(target);
using var testY = tensor(digits.GetLabels(digits.TestIndices)).to(target);
Console.WriteLine($"MNIST digits: {MnistDigits.TrainCount} train / {MnistDigits.TestCount} test; device {target}, {threadCount} threads");

using var model = new SmallCnn();
model.to(target);
using var optimizer = optim.Adam(model.parameters(), lr: 0.002);
using var loss = nn.CrossEntropyLoss();
const int batchSize = 64;
var clock = Stopwatch.StartNew();
for (int epoch = 1; epoch <= epochs; epoch++)
{
    model.train();
    using var order = randperm(MnistDigits.TrainCount, device: target);
    double lossSum = 0;
    int batches = 0;
    for (int start = 0; start < MnistDigits.TrainCount; start += batchSize)
    {
        using var scope = NewDisposeScope();
        var batch = order.narrow(0, start, Math.Min(batchSize, MnistDigits.TrainCount - start));
        optimizer.zero_grad();
        var output = loss.forward(model.forward(trainX.index_select(0, batch)), trainY.index_select(0, batch));
        output.backward();
        optimizer.step();
        lossSum += output.item<float>();
        batches++;
    }
    Console.WriteLine($"epoch {epoch}/{epochs}: mean training loss {lossSum / batches:F4} ({clock.Elapsed.TotalSeconds:F1} s)");
}

model.eval();
using (no_grad())
using (var scope = NewDisposeScope())
{
    long correct = 0;
    for (int start = 0; start < MnistDigits.TestCount; start += 500)
    {
        int count = Math.Min(500, MnistDigits.TestCount - start);
        var predicted = model.forward(testX.narrow(0, start, count)).argmax(1);
        correct += predicted.eq(testY.narrow(0, start, count)).sum().item<long>();
    }
    Console.WriteLine($"test accuracy: {100.0 * correct / MnistDigits.TestCount:F2}% ({correct}/{MnistDigits.TestCount}) after {clock.Elapsed.TotalSeconds:F1} s");
}
return 0;
