using System.Reflection;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;

namespace Microsoft.ML.Nas.DeviceCheck;

/// <summary>What TorchSharp sees: its version, the libtorch it was built against and the one it loaded, CUDA and cuDNN.</summary>
internal static class RuntimeReport
{
    /// <summary>The libtorch version TorchSharp 0.107 is built against (its libLibTorchSharp links to that ABI).</summary>
    public const string ExpectedLibtorch = "2.10";

    /// <summary>Prints the report; returns the number of CUDA devices TorchSharp sees (0 without CUDA).</summary>
    public static int Print(int? threads)
    {
        try
        {
            TorchRuntime.EnsureAvailable();
        }
        catch (Exception error) when (error is InvalidOperationException or PlatformNotSupportedException)
        {
            // TorchSharp has printed its load trace already; its loader does not say which library or symbol failed.
            throw new DeviceCheckFailure("TorchSharp's native shim libLibTorchSharp.so did not load against this libtorch " +
                "(scripts/device-check.sh names the missing library or symbol)" +
                (error is PlatformNotSupportedException ? ": " + error.Message.Split('\n')[0].Trim() : ""));
        }
        string torchSharp = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
        Console.WriteLine($"TorchSharp {torchSharp}, built against libtorch {torch.__version__}");
        string? shim = NativeInfo.Loaded("libLibTorchSharp.so");
        string? libtorch = NativeInfo.Loaded("libtorch_cpu.so");
        Console.WriteLine($"  native shim: {shim ?? "(not found among loaded libraries)"}");
        string? version = libtorch is null ? null : NativeInfo.LibtorchVersion(libtorch);
        Console.WriteLine($"  libtorch:    {libtorch ?? "(not found among loaded libraries)"}, version {version ?? "unknown"}");
        if (version is not null && !version.StartsWith(ExpectedLibtorch + ".", StringComparison.Ordinal))
        {
            Console.WriteLine($"  WARNING: this libtorch is not {ExpectedLibtorch}.x, the version TorchSharp {torchSharp} is built against; " +
                "calls whose C++ signatures changed may fail or misbehave.");
        }
        string? cudaLibrary = NativeInfo.Loaded("libtorch_cuda.so");
        bool available = torch.cuda.is_available();
        int count = available ? torch.cuda.device_count() : 0;
        Console.WriteLine($"  libtorch_cuda: {cudaLibrary ?? "not loaded"}; CUDA available: {available}; devices: {count}; " +
            $"cuDNN available: {(available ? torch.cuda.is_cudnn_available() : false)}");
        for (int i = 0; i < count; i++)
        {
            Console.WriteLine($"  cuda:{i}: {NativeInfo.DescribeDevice(i) ?? "(the CUDA driver does not describe it)"}");
        }
        if (available)
        {
            Console.WriteLine($"  TF32: cuDNN convolutions {torch.backends.cudnn.allow_tf32}, cuBLAS matmul {torch.backends.cuda.matmul.allow_tf32} " +
                "(libtorch's defaults unless changed)");
        }
        Console.WriteLine($"  CPU: {Environment.ProcessorCount} processors, libtorch intra-op threads {TorchRuntime.ConfigureThreads(threads)}");
        return count;
    }
}
