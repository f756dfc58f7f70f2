using Microsoft.ML.Nas.DeviceCheck;
using Microsoft.ML.Nas.Runtime;

// The device check (README "GPU"): proves Fit on whatever device this machine has, in a few minutes.
//   check (default)  what TorchSharp sees; DARTS and ENAS benchmark steps on CUDA and on the CPU (median times, device
//                    memory, cuda/cpu ratio); ENAS and DARTS Fit on the digits on CUDA (else the CPU), Save, Load in a
//                    fresh process that sees no GPU, scores compared. Without CUDA the CUDA parts are skipped, unless
//                    --require-cuda makes that a failure.
//   load             the fresh process: loads a saved model on the CPU and writes its scores.
// Exits 0 after "DEVICE CHECK PASSED", 1 after "DEVICE CHECK FAILED: <reason>", 2 on a usage error.
// scripts/device-check.sh publishes it and runs it against a machine's PyTorch ('run') or NuGet's CPU libtorch ('cpu').
string verb = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "check";
string[] rest = args.Length > 0 && verb == args[0] ? args[1..] : args;
CheckOptions? options = null;
try
{
    if (verb == "check")
    {
        options = CheckOptions.Parse(rest);
    }
    else if (verb != "load" || rest.Length != 3 || !int.TryParse(rest[1], out _))
    {
        throw new ArgumentException($"Unknown command line '{string.Join(' ', args)}'.");
    }
}
catch (Exception error) when (error is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(CheckOptions.Usage);
    return 2;
}
try
{
    if (options is null)
    {
        TorchRuntime.EnsureAvailable();
        return FitRoundTrip.Load(rest[0], int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture), rest[2]);
    }
    return Check(options);
}
catch (Exception error)
{
    if (error is not DeviceCheckFailure)
    {
        Console.Error.WriteLine(error);
    }
    string reason = error is DeviceCheckFailure ? error.Message : $"{error.GetType().Name}: {error.Message}";
    Console.WriteLine($"DEVICE CHECK FAILED: {reason.Split('\n')[0].Trim()}");
    return 1;
}

static int Check(CheckOptions options)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    Console.WriteLine("Microsoft.ML.Nas device check");
    int devices = RuntimeReport.Print(options.Threads);
    bool cuda = devices > 0;
    if (!cuda)
    {
        if (options.RequireCuda)
        {
            throw new DeviceCheckFailure("no CUDA device: TorchSharp sees none (see libtorch_cuda above: not loaded means the libraries, loaded means the driver or the GPU)");
        }
        Console.WriteLine("cuda: skipped (no CUDA device); checking everything else on the CPU");
    }
    int threads = TorchRuntime.ConfigureThreads(options.Threads);
    StepBenchmarks.Run(options, cuda, threads);
    Console.WriteLine();
    SeedProbe.Run(cuda ? "cuda" : "cpu");
    string work = Directory.CreateTempSubdirectory("nas-device-check").FullName;
    try
    {
        foreach (string strategy in options.MainJobBudget is null ? ["enas", "darts"] : (string[])["enas", "darts", "main-job"])
        {
            FitRoundTrip.Run(strategy, cuda ? "cuda" : "cpu", options, work);
        }
    }
    finally
    {
        Directory.Delete(work, recursive: true);
    }
    Console.WriteLine();
    Console.WriteLine($"DEVICE CHECK PASSED on {(cuda ? "cuda" : "cpu, cuda skipped (no CUDA device)")} in {clock.Elapsed.TotalSeconds:F0} s");
    return 0;
}
