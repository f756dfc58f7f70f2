namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// An architecture that cannot be read or applied: malformed JSON, keys that differ from the search space's, or a
/// choice that names no candidate. The message names the key (and the file, when read from one) and what was expected.
/// </summary>
public sealed class ArchitectureException : Exception
{
    /// <summary>An error about <paramref name="key"/> (null when it concerns no single key) in <paramref name="file"/>.</summary>
    public ArchitectureException(string message, string? key = null, string? file = null, Exception? innerException = null)
        : base(file is null ? message : $"{file}: {message}", innerException)
    {
        Key = key;
        File = file;
    }

    /// <summary>An error without details.</summary>
    public ArchitectureException()
    {
    }

    /// <summary>An error with a message.</summary>
    public ArchitectureException(string message)
        : base(message)
    {
    }

    /// <summary>An error with a message and its cause.</summary>
    public ArchitectureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The key at fault, when the error concerns one.</summary>
    public string? Key { get; }

    /// <summary>The file the architecture was read from, when it was.</summary>
    public string? File { get; }
}
