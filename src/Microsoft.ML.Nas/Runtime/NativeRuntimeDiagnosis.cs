using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// Turns a failed load of TorchSharp's native backend into an exception that names the cause and the fix.
/// The usual cause on Linux is an old C++ runtime: TorchSharp 0.107's libLibTorchSharp.so needs
/// <see cref="RequiredSymbol"/> (GCC 13's libstdc++), which Debian 12 and Ubuntu 22.04 lack.
/// </summary>
internal static partial class NativeRuntimeDiagnosis
{
    /// <summary>The libstdc++ symbol version TorchSharp 0.107's native library is linked against.</summary>
    public const string RequiredSymbol = "GLIBCXX_3.4.32";

    private const string Fix =
        "Run scripts/install-prerequisites.sh from the Microsoft.ML.Nas repository (on Debian 12 it installs libstdc++6 from " +
        "Debian 13), or install a GCC 13+ C++ runtime (libstdc++6 >= 13) with your distribution's package manager.";

    /// <summary>Builds the exception for a failed native load, reading the C++ runtime this process loaded.</summary>
    public static Exception Explain(Exception loadError)
    {
        ArgumentNullException.ThrowIfNull(loadError);
        if (OperatingSystem.IsLinux() && FindLoadedLibStdCxx() is { } path && DescribeMissingSymbol(path) is { } missing)
        {
            return new PlatformNotSupportedException($"TorchSharp's native library could not be loaded: {missing} {Fix}", loadError);
        }
        return new InvalidOperationException(
            "TorchSharp's native backend could not be loaded. An application must reference a native backend package " +
            "(TorchSharp-cpu, or TorchSharp-cuda-linux for NVIDIA GPUs) besides Microsoft.ML.Nas. " +
            $"TorchSharp said: {Innermost(loadError).Message}", loadError);
    }

    /// <summary>
    /// Says what is missing when the libstdc++ at <paramref name="libStdCxxPath"/> lacks <see cref="RequiredSymbol"/>;
    /// null when it has it or cannot be read.
    /// </summary>
    public static string? DescribeMissingSymbol(string libStdCxxPath)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(libStdCxxPath);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var text = Encoding.Latin1.GetString(content);
        if (text.Contains(RequiredSymbol + "\0", StringComparison.Ordinal))
        {
            return null;
        }
        var newest = SymbolVersion().Matches(text)
            .Select(m => Version.Parse(m.Groups[1].Value))
            .DefaultIfEmpty()
            .Max();
        string has = newest is null ? "no GLIBCXX version" : $"only up to GLIBCXX_{newest}";
        return $"it needs {RequiredSymbol} (the C++ runtime of GCC 13 or later), but {libStdCxxPath} provides {has}.";
    }

    private static string? FindLoadedLibStdCxx()
    {
        try
        {
            // The .NET host is C++ and has libstdc++ loaded already: its path is the one the native library would get.
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
                .FirstOrDefault(path => path is not null && Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Exception Innermost(Exception error) => error.InnerException is null ? error : Innermost(error.InnerException);

    [GeneratedRegex(@"GLIBCXX_(\d+\.\d+(?:\.\d+)?)\0")]
    private static partial Regex SymbolVersion();
}
