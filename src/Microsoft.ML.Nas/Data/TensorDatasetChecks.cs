using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Data;

/// <summary>The checks a <see cref="TensorDataset"/> makes of the tensors it is given.</summary>
internal static class TensorDatasetChecks
{
    public static void CheckShapes(Tensor features, Tensor labels)
    {
        if (features.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"Features must be float32; got {features.dtype}. Convert them with .to(ScalarType.Float32).", nameof(features));
        }
        if (features.dim() < 2)
        {
            throw new ArgumentException($"Features must be [N, ...] with at least two dimensions; got shape [{string.Join(", ", features.shape)}].", nameof(features));
        }
        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1)
        {
            throw new ArgumentException($"Labels must be a 1-D int64 tensor [N]; got {labels.dtype} of shape [{string.Join(", ", labels.shape)}].", nameof(labels));
        }
        if (features.shape[0] != labels.shape[0])
        {
            throw new ArgumentException($"Features hold {features.shape[0]} samples (dimension 0) but labels hold {labels.shape[0]}: they must describe the same samples.", nameof(labels));
        }
        if (labels.shape[0] == 0)
        {
            throw new ArgumentException("The dataset is empty: features and labels hold no samples.", nameof(labels));
        }
    }

    /// <summary>
    /// Refuses NaN and infinite features: one pass on the device and one read back when they are all finite; the
    /// per-sample count and the first bad sample are worked out only for the message.
    /// </summary>
    public static void CheckFinite(Tensor features)
    {
        using var scope = NewDisposeScope();
        var finite = isfinite(features);
        if (finite.all().item<bool>())
        {
            return;
        }
        var bad = finite.flatten(1).all(1).logical_not();
        long count = bad.sum().item<long>();
        long first = bad.nonzero()[0, 0].item<long>();
        throw new ArgumentException(
            $"Features hold NaN or infinite values in {count} of {features.shape[0]} samples; the first is sample {first}. " +
            "Remove those samples or replace the values before training: one of them spreads NaN through batch normalization into every weight.",
            nameof(features));
    }

    public static void CheckLabelRange(Tensor labels, int? classCount)
    {
        using var scope = NewDisposeScope();
        long min = labels.min().item<long>();
        if (min < 0)
        {
            long at = labels.argmin().item<long>();
            throw new ArgumentException($"Labels must be class indices ≥ 0; found {min} at sample {at}.", nameof(labels));
        }
        long max = labels.max().item<long>();
        if (classCount is { } classes && max >= classes)
        {
            long at = labels.argmax().item<long>();
            throw new ArgumentException($"Labels must lie in [0, {classes}) for {classes} classes; found {max} at sample {at}.", nameof(labels));
        }
    }
}
