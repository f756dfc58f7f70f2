namespace Microsoft.ML.Nas.Tests;

/// <summary>
/// Reports on the caller's thread, at once (unlike <see cref="Progress{T}"/>, which posts to a synchronization
/// context), so a report sees the state of the step that made it.
/// </summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
