using Microsoft.ML.Nas.Benchmarks;
using Microsoft.ML.Nas.Runtime;

// Console benchmarks; never run by the test command. Run in Release:
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- plain-cnn [--rounds 5] [--steps 100] [--threads N]
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- threads [--rounds 5] [--steps 100]
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- transform [--rounds 5] [--threads N] [--device cpu]
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- mlnet-baselines [--epochs 12] [--threads N] [--device cpu]
// tests/Microsoft.ML.Nas.Benchmarks/compare-plain-cnn.sh runs plain-cnn and PyTorch's pytorch/plain_cnn.py side by side.
var options = BenchmarkArguments.Parse(args);
TorchRuntime.EnsureAvailable();
switch (options.Command)
{
    case "plain-cnn":
        PlainCnnReport.Run(options);
        break;
    case "threads":
        ThreadCountReport.Run(options);
        break;
    case "transform":
        TransformThroughputReport.Run(options);
        break;
    case "mlnet-baselines":
        MLNetBaselinesReport.Run(options);
        break;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{options.Command}'. Known: plain-cnn, threads, transform, mlnet-baselines.");
        return 2;
}
return 0;
