namespace Microsoft.ML.Nas.Spaces;

/// <summary>What the data says a network must accept and produce: the shape of one sample and the number of classes.</summary>
public sealed class SpaceContext
{
    /// <summary>Creates a context for samples of <paramref name="sampleShape"/> ([C, H, W] for images, [D] for vectors).</summary>
    /// <exception cref="ArgumentException">The shape is empty or has a non-positive dimension, or there are fewer than 2 classes.</exception>
    public SpaceContext(IReadOnlyList<long> sampleShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.Count == 0 || sampleShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"A sample shape needs positive dimensions; got [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
        }
        if (classCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A classifier needs at least 2 classes.");
        }
        SampleShape = sampleShape.ToArray();
        ClassCount = classCount;
    }

    /// <summary>The shape of one sample: [C, H, W] for images, [D] for plain vectors.</summary>
    public IReadOnlyList<long> SampleShape { get; }

    /// <summary>The number of classes the network scores.</summary>
    public int ClassCount { get; }

    /// <summary>Whether samples are images ([C, H, W]).</summary>
    public bool IsImage => SampleShape.Count == 3;

    /// <summary>[C, H, W] of image samples.</summary>
    /// <exception cref="InvalidOperationException">Samples are not images.</exception>
    public (int Channels, int Height, int Width) ImageShape => IsImage
        ? ((int)SampleShape[0], (int)SampleShape[1], (int)SampleShape[2])
        : throw new InvalidOperationException($"This space needs image samples [C, H, W]; the data has samples of shape [{string.Join(", ", SampleShape)}].");
}
