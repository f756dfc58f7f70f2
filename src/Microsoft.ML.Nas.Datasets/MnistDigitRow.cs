using Microsoft.ML.Data;

namespace Microsoft.ML.Nas.Datasets;

/// <summary>One row of <see cref="MnistDigits.TrainData"/>: the digit and its 784 pixels in [0, 1].</summary>
public sealed class MnistDigitRow
{
    /// <summary>The digit, 0–9.</summary>
    public uint Label { get; set; }

    /// <summary>The 28×28 pixels, row by row, as byte / 255.</summary>
    [VectorType(MnistDigits.PixelsPerImage)]
    public float[] Features { get; set; } = [];
}
