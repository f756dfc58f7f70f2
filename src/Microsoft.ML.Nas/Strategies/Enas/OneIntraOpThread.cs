using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// Runs libtorch on one intra-op thread until disposed, then restores the thread count. The controller's tensors have
/// at most a few thousand elements: a second thread only adds hand-offs, and on a busy machine each hand-off can wait
/// for a core (the sampling of a macro architecture measured 2–3 ms on one thread, 13–45 ms on two under load).
/// On CUDA the controller's ops are kernels on the device and the setting only touches host-side work; it is kept
/// there too, as it costs nothing.
/// </summary>
internal readonly struct OneIntraOpThread : IDisposable
{
    private readonly int previous;

    public OneIntraOpThread()
    {
        previous = get_num_threads();
        if (previous != 1)
        {
            set_num_threads(1);
        }
    }

    public void Dispose()
    {
        if (previous != 1)
        {
            set_num_threads(previous);
        }
    }
}
