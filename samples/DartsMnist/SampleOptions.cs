using System.Globalization;

namespace DartsMnist;

/// <summary>Command-line options of the sample, with short defaults (a few minutes on 2 cores).</summary>
internal sealed class SampleOptions
{
    public const string Usage =
        "Options: --search-digits N (1000), --search-epochs N (2), --final-digits N (4000), --final-epochs N (3), --channels C (4), " +
        "--layers L (3), --nodes N (2), --batch B (32), --second-order, --device auto|cpu|cuda[:N], --threads N, --output DIR (darts-mnist under the temp folder), --seed S (1)";

    public int SearchDigits { get; private set; } = 1000;
    public int SearchEpochs { get; private set; } = 2;
    public int FinalDigits { get; private set; } = 4000;
    public int FinalEpochs { get; private set; } = 3;
    public int Channels { get; private set; } = 4;
    public int Layers { get; private set; } = 3;
    public int Nodes { get; private set; } = 2;
    public int BatchSize { get; private set; } = 32;
    public bool SecondOrder { get; private set; }
    public string Device { get; private set; } = "auto";
    public int? Threads { get; private set; }
    public string Output { get; private set; } = Path.Combine(Path.GetTempPath(), "darts-mnist");
    public long Seed { get; private set; } = 1;

    public static SampleOptions Parse(string[] args)
    {
        var options = new SampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value. {Usage}");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--search-digits": options.SearchDigits = Int(); break;
                case "--search-epochs": options.SearchEpochs = Int(); break;
                case "--final-digits": options.FinalDigits = Int(); break;
                case "--final-epochs": options.FinalEpochs = Int(); break;
                case "--channels": options.Channels = Int(); break;
                case "--layers": options.Layers = Int(); break;
                case "--nodes": options.Nodes = Int(); break;
                case "--batch": options.BatchSize = Int(); break;
                case "--second-order": options.SecondOrder = true; break;
                case "--device": options.Device = Value(); break;
                case "--threads": options.Threads = Int(); break;
                case "--output": options.Output = Value(); break;
                case "--seed": options.Seed = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'. {Usage}");
            }
        }
        return options;
    }
}
