using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

/// <summary>
/// Runs libtorch on one thread until disposed, then restores the thread count: the controller's tiny ops only lose
/// time to thread hand-offs, several times over on a busy machine.
/// </summary>
internal sealed class SingleThread : IDisposable
{
    private readonly int previous = get_num_threads();

    public SingleThread() => set_num_threads(1);

    public void Dispose() => set_num_threads(previous);
}
