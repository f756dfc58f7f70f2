namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>Argument checks shared by the ops, so every op rejects a bad size with the same clear message.</summary>
internal static class OpChecks
{
    public static int Channels(int value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "A channel count must be positive.");

    public static int Stride(int value, string name) =>
        value is 1 or 2 ? value : throw new ArgumentOutOfRangeException(name, value, "The stride must be 1 (normal cell) or 2 (reduction).");

    // Odd kernels keep "same" padding symmetric, so stride 1 preserves the spatial size exactly.
    public static int Kernel(int value, string name) =>
        value > 0 && value % 2 == 1 ? value : throw new ArgumentOutOfRangeException(name, value, "The kernel size must be odd and positive (1, 3, 5, ...).");

    public static int Dilation(int value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "The dilation must be positive.");

    /// <summary>The padding that keeps the spatial size at stride 1 (and halves it, rounding up, at stride 2).</summary>
    public static long SamePadding(int kernelSize, int dilation = 1) => dilation * (kernelSize - 1) / 2;
}
