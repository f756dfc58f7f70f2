using Microsoft.ML.Runtime;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// One cancellation token for a Fit: cancelled by the options' token or by ML.NET's execution flag. ML.NET's flag has
/// no token to link to, so <see cref="Poll"/> carries it over; the training loop then stops at its one check per step.
/// </summary>
internal sealed class NasCancellation(IHostEnvironment host, CancellationToken token) : IDisposable
{
    private readonly CancellationTokenSource source = CancellationTokenSource.CreateLinkedTokenSource(token);

    /// <summary>Cancelled when either source is.</summary>
    public CancellationToken Token => source.Token;

    /// <summary>Cancels <see cref="Token"/> when ML.NET's execution was cancelled since the last call.</summary>
    public void Poll()
    {
        if (!source.IsCancellationRequested && MLNetInternals.IsCanceled(host))
        {
            source.Cancel();
        }
    }

    /// <summary>Polls, then throws when cancelled: for Fit's own loops outside training (reading the data).</summary>
    /// <exception cref="OperationCanceledException">Either source was cancelled.</exception>
    public void ThrowIfCancellationRequested()
    {
        Poll();
        Token.ThrowIfCancellationRequested();
    }

    public void Dispose() => source.Dispose();
}
