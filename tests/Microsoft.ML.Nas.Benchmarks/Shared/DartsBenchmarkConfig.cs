namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// One DARTS benchmark configuration and PyTorch's figures for it (ms per step, peak RSS MiB): the configurations PyTorch
/// 1.13 and 2.6 running NNI v1's DARTS trainer were measured on (the DARTS issue's table), with NNI's optimizer
/// settings, clip 5, stem multiplier 3 and no auxiliary head.
/// </summary>
internal sealed record DartsBenchmarkConfig(string Name, int InputChannels, int ImageSize, int Channels, int Layers, int BatchSize, bool Unrolled,
    double PyTorch113Ms, double PyTorch26Ms, double PeakRss113, double PeakRss26)
{
    public static IReadOnlyList<DartsBenchmarkConfig> All { get; } =
    [
        new("cifar-first", 3, 32, 8, 5, 32, Unrolled: false, PyTorch113Ms: 3395, PyTorch26Ms: 3642, PeakRss113: 1837, PeakRss26: 2114),
        new("cifar-second", 3, 32, 8, 5, 32, Unrolled: true, PyTorch113Ms: 7121, PyTorch26Ms: 7769, PeakRss113: 2658, PeakRss26: 3151),
        new("mnist-first", 1, 28, 8, 3, 64, Unrolled: false, PyTorch113Ms: 3894, PyTorch26Ms: 4086, PeakRss113: 2135, PeakRss26: 2483),
        new("mnist-second", 1, 28, 8, 3, 64, Unrolled: true, PyTorch113Ms: 8174, PyTorch26Ms: 8551, PeakRss113: 3272, PeakRss26: 3708),
    ];

    public static DartsBenchmarkConfig Find(string name) => All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"Unknown DARTS configuration '{name}'; known: {string.Join(", ", All.Select(c => c.Name))}.", nameof(name));
}
