using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Nas.DeviceCheck;

/// <summary>
/// What TorchSharp 0.107 does not say about the native side: which libtorch files this process loaded (and their
/// version), the GPUs' names and the device memory in use. TorchSharp exposes no <c>torch.cuda</c> memory statistics
/// (no <c>memory_allocated</c>, <c>max_memory_allocated</c> or <c>mem_get_info</c>) and no device names, so these come
/// from the CUDA driver (<c>libcuda.so.1</c>) and from the CUDA runtime libtorch itself loaded (<c>cudaMemGetInfo</c>).
/// </summary>
internal static partial class NativeInfo
{
    /// <summary>The file a loaded shared library whose name starts with <paramref name="prefix"/> was mapped from; null if none.</summary>
    public static string? Loaded(string prefix)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        return File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..] : null)
            .FirstOrDefault(path => path is not null && Path.GetFileName(path).StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>
    /// The version of the libtorch in <paramref name="libraryPath"/>'s folder: PyTorch's <c>torch/version.py</c> beside
    /// <c>torch/lib</c>, or the version folder of a NuGet libtorch package; null when neither says.
    /// </summary>
    public static string? LibtorchVersion(string libraryPath)
    {
        string folder = Path.GetDirectoryName(libraryPath)!;
        string versionFile = Path.Combine(folder, "..", "version.py");
        if (File.Exists(versionFile) && PythonVersion().Match(File.ReadAllText(versionFile)) is { Success: true } match)
        {
            return match.Groups[1].Value + " (PyTorch)";
        }
        return NuGetVersion().Match(libraryPath) is { Success: true } nuget ? nuget.Groups[1].Value + " (NuGet libtorch)" : null;
    }

    /// <summary>Name, compute capability and memory of CUDA device <paramref name="ordinal"/>, from the driver; null where it cannot say.</summary>
    public static string? DescribeDevice(int ordinal)
    {
        try
        {
            if (CuInit(0) != 0 || CuDeviceGet(out int device, ordinal) != 0)
            {
                return null;
            }
            var name = new byte[256];
            _ = CuDeviceGetName(name, name.Length, device);
            _ = CuDeviceGetAttribute(out int major, 75, device); // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
            _ = CuDeviceGetAttribute(out int minor, 76, device); // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR
            _ = CuDeviceTotalMem(out nuint total, device);
            _ = CuDriverGetVersion(out int driver);
            string text = Encoding.ASCII.GetString(name).TrimEnd('\0');
            return $"{text}, compute capability {major}.{minor}, {total / (1024.0 * 1024 * 1024):F1} GiB, driver API {driver / 1000}.{driver % 1000 / 10}";
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Device memory in use on the current CUDA device, in MiB, as the driver sees it (<c>cudaMemGetInfo</c>: total −
    /// free): the CUDA context plus what libtorch's caching allocator holds, freed blocks included. Null where no CUDA
    /// runtime is loaded.
    /// </summary>
    public static double? DeviceMemoryInUseMiB()
    {
        if (memGetInfo.Value is not { } query || query(out nuint free, out nuint total) != 0)
        {
            return null;
        }
        return (total - free) / (1024.0 * 1024);
    }

    // The runtime libtorch_cuda loaded (libcudart.so.12 in PyTorch's wheels, libcudart-<hash>.so.12 in libtorch's
    // archives); asking the dynamic loader for that file again returns the same, already initialised, library.
    private static readonly Lazy<MemGetInfo?> memGetInfo = new(() =>
        Loaded("libcudart") is { } path && NativeLibrary.TryLoad(path, out var handle) && NativeLibrary.TryGetExport(handle, "cudaMemGetInfo", out var export)
            ? Marshal.GetDelegateForFunctionPointer<MemGetInfo>(export)
            : null);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MemGetInfo(out nuint free, out nuint total);

    [DllImport("libcuda.so.1", EntryPoint = "cuInit")]
    private static extern int CuInit(uint flags);

    [DllImport("libcuda.so.1", EntryPoint = "cuDeviceGet")]
    private static extern int CuDeviceGet(out int device, int ordinal);

    [DllImport("libcuda.so.1", EntryPoint = "cuDeviceGetName")]
    private static extern int CuDeviceGetName([Out] byte[] name, int length, int device);

    [DllImport("libcuda.so.1", EntryPoint = "cuDeviceGetAttribute")]
    private static extern int CuDeviceGetAttribute(out int value, int attribute, int device);

    [DllImport("libcuda.so.1", EntryPoint = "cuDeviceTotalMem_v2")]
    private static extern int CuDeviceTotalMem(out nuint bytes, int device);

    [DllImport("libcuda.so.1", EntryPoint = "cuDriverGetVersion")]
    private static extern int CuDriverGetVersion(out int version);

    [GeneratedRegex(@"__version__\s*=\s*['""]([^'""]+)['""]")]
    private static partial Regex PythonVersion();

    [GeneratedRegex(@"libtorch-[a-z0-9.-]+?/(\d+\.\d+\.\d+[^/]*)/runtimes/")]
    private static partial Regex NuGetVersion();
}
