using Microsoft.ML.Runtime;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>The entry point of the NAS estimators in ML.NET.</summary>
public static class MLContextNasExtensions
{
    /// <summary>The NAS estimators (ENAS, DARTS, fixed architecture) of <paramref name="mlContext"/>.</summary>
    public static NasCatalog Nas(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new NasCatalog(mlContext);
    }
}
