namespace Microsoft.ML.Nas.Runtime;

/// <summary>Writes a file so that a failure leaves an existing file at that path as it was.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Lets <paramref name="write"/> write a temporary file beside <paramref name="path"/> (it gets that file's path),
    /// then moves it over the target; the temporary file is removed whatever happens.
    /// </summary>
    public static void Write(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
