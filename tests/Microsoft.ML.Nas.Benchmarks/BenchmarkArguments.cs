namespace Microsoft.ML.Nas.Benchmarks;

/// <summary>Command-line options shared by the console benchmarks.</summary>
internal sealed record BenchmarkArguments(string Command, int Rounds, int Warmup, int Steps, int? Threads, string Device, string? Config = null, int Epochs = 12,
    bool ReleaseFreedMemory = true, double FreedMemorySlack = Runtime.NativeMemoryGuard.DefaultSlack)
{
    public static BenchmarkArguments Parse(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "plain-cnn";
        int rounds = 5, warmup = 20, steps = 100;
        int? threads = null;
        string device = "cpu";
        string? config = null;
        int epochs = 12;
        bool releaseFreedMemory = true;
        double slack = Runtime.NativeMemoryGuard.DefaultSlack;
        for (int i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(Value()); break;
                case "--warmup": warmup = int.Parse(Value()); break;
                case "--steps": steps = int.Parse(Value()); break;
                case "--threads": threads = int.Parse(Value()); break;
                case "--device": device = Value(); break;
                case "--config": config = Value(); break;
                case "--epochs": epochs = int.Parse(Value()); break;
                case "--keep-freed": releaseFreedMemory = false; break;
                case "--slack": slack = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}': expected --rounds, --warmup, --steps, --threads, --device, --config, --epochs, --keep-freed or --slack.");
            }
        }
        return new BenchmarkArguments(command, rounds, warmup, steps, threads, device, config, epochs, releaseFreedMemory, slack);
    }
}
