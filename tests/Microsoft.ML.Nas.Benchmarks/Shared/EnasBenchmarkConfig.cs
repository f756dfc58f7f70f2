namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>
/// One ENAS benchmark configuration and PyTorch's figures for it: NNI v1's ENAS mutator and trainer logic on this kind
/// of machine with 2 threads (SGD 0.05 momentum 0.9 wd 1e-4, controller Adam 3.5e-4, clip 5; micro with tanh constant
/// 1.1 and the cell-exit extra step), as given in the ENAS issue.
/// </summary>
internal sealed record EnasBenchmarkConfig(
    string Name, bool Micro, long[] SampleShape, bool Digits, int BatchSize,
    double TorchChildMs, double TorchControllerMs, double Torch26ChildMs, double Torch26ControllerMs, double TorchPeakMiB, double Torch26PeakMiB)
{
    public static IReadOnlyList<EnasBenchmarkConfig> All { get; } =
    [
        new("macro-cifar", Micro: false, [3, 32, 32], Digits: false, BatchSize: 32, 45.2, 343, 51.0, 393, 358, 437),
        new("micro-cifar", Micro: true, [3, 32, 32], Digits: false, BatchSize: 32, 122.9, 1228, 129.2, 1347, 409, 491),
        new("macro-mnist", Micro: false, [1, 28, 28], Digits: true, BatchSize: 64, 65.8, 441, 69.0, 470, 417, 509),
        new("micro-mnist", Micro: true, [1, 28, 28], Digits: true, BatchSize: 64, 174.8, 1559, 188.0, 1664, 500, 568),
    ];

    public static EnasBenchmarkConfig Find(string name) => All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"Unknown ENAS configuration '{name}'; known: {string.Join(", ", All.Select(c => c.Name))}.", nameof(name));
}
