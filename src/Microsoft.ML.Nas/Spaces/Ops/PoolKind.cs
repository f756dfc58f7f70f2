namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>The pooling an op applies over its 3×3 window.</summary>
public enum PoolKind
{
    /// <summary>Maximum over the window.</summary>
    Max,

    /// <summary>Average over the window, counting only positions inside the image (padding is excluded, as in DARTS).</summary>
    Average,
}
