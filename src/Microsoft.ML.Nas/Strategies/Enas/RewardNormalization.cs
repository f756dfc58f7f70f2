namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>Which statistics the batch normalizations of a sampled architecture use when ENAS scores it.</summary>
public enum RewardNormalization
{
    /// <summary>
    /// The running statistics (evaluation mode), as NNI does. In a supernet they average over every architecture the
    /// child steps sampled, so they fit no single one, least those with convolutions on the path.
    /// </summary>
    RunningStatistics,

    /// <summary>
    /// The statistics of the scored batch itself (the batch normalizations alone in training mode, without gradients),
    /// which fit the architecture being scored; the default. The running statistics are left as they were.
    /// </summary>
    BatchStatistics,
}
