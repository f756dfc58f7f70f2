namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>One DARTS benchmark configuration and PyTorch's figures for it (ms per step, peak RSS MiB).</summary>
internal sealed record DartsBenchmarkConfig(int InputChannels, int ImageSize, int Channels, int Layers, int BatchSize, bool Unrolled,
    double PyTorch113Ms, double PyTorch26Ms, double PeakRss113, double PeakRss26);
