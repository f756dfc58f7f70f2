using System.Diagnostics;

namespace Microsoft.ML.Nas.DeviceCheck;

/// <summary>Runs this program again in a fresh process that sees no GPU, as on a machine without one.</summary>
internal static class ChildProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>Runs this program with <paramref name="arguments"/>; returns its exit code and its output (stdout, then stderr).</summary>
    public static (int ExitCode, string Output) Run(IReadOnlyList<string> arguments)
    {
        string host = Environment.ProcessPath ?? throw new DeviceCheckFailure("cannot tell which executable runs this program");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Started as 'dotnet Microsoft.ML.Nas.DeviceCheck.dll' rather than through its apphost: name the assembly again.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // An invalid index hides every GPU from the CUDA runtime: the child is a machine without one.
        start.Environment["CUDA_VISIBLE_DEVICES"] = "-1";
        using var process = Process.Start(start) ?? throw new DeviceCheckFailure($"could not start {host}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new DeviceCheckFailure($"the fresh process did not finish within {Limit.TotalMinutes} minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
