using TorchSharp;

namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// Resolves a device option: <c>"auto"</c> (CUDA when TorchSharp sees a CUDA device, else CPU), <c>"cpu"</c>,
/// <c>"cuda"</c> or <c>"cuda:N"</c>.
/// </summary>
public static class DeviceSelection
{
    /// <summary>The option value that picks CUDA when available, else CPU.</summary>
    public const string Auto = "auto";

    /// <summary>Resolves <paramref name="option"/> to a TorchSharp device, checking that a requested GPU exists.</summary>
    /// <exception cref="ArgumentException">The option is not one of the accepted forms.</exception>
    /// <exception cref="InvalidOperationException">CUDA was requested but the device is not available.</exception>
    public static torch.Device Resolve(string? option)
    {
        TorchRuntime.EnsureAvailable();
        string value = (option ?? Auto).Trim().ToLowerInvariant();
        if (value is "" or Auto)
        {
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }
        if (value == "cpu")
        {
            return torch.CPU;
        }
        if (value == "cuda" || value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (value.Length > 4 && (!int.TryParse(value.AsSpan(5), out index) || index < 0))
            {
                throw new ArgumentException($"Device '{option}' has no valid CUDA index: expected 'cuda:N' with N ≥ 0.", nameof(option));
            }
            if (!torch.cuda.is_available())
            {
                throw new InvalidOperationException(
                    $"Device '{option}' was requested, but TorchSharp sees no CUDA device. Reference TorchSharp-cuda-linux " +
                    "(build with -p:TorchBackend=cuda) on a machine with an NVIDIA GPU, or use 'auto' or 'cpu'.");
            }
            int count = torch.cuda.device_count();
            if (index >= count)
            {
                throw new InvalidOperationException($"Device '{option}' was requested, but only {count} CUDA device(s) exist (cuda:0 to cuda:{count - 1}).");
            }
            return torch.device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Device '{option}' is not known: expected 'auto', 'cpu', 'cuda' or 'cuda:N'.", nameof(option));
    }
}
