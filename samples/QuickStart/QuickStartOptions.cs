using System.Globalization;

namespace QuickStart;

/// <summary>The sample's command line: sizes of the search and of the final training, device and threads.</summary>
internal sealed class QuickStartOptions
{
    public int SearchEpochs { get; private set; } = 6;

    public int ChildSteps { get; private set; } = 150;

    public int FinalEpochs { get; private set; } = 12;

    public int Layers { get; private set; } = 4;

    public int Shift { get; private set; } = 2;

    public int Cutout { get; private set; }

    public int Filters { get; private set; } = 16;

    public int TrainRows { get; private set; } = Microsoft.ML.Nas.Datasets.MnistDigits.TrainCount;

    public string Device { get; private set; } = "auto";

    public int? Threads { get; private set; }

    public string ModelPath { get; private set; } = Path.Combine(Path.GetTempPath(), "mnist-enas-model.zip");

    public const string Usage =
        "Options: --epochs N (search epochs), --child-steps N, --final-epochs N, --shift N (final training's random translation in pixels, 2), --cutout N (final training's cutout side, 0 = off), " +
        "--layers N, --filters N, --train N (rows), " +
        "--device auto|cpu|cuda[:N], --threads N, --model PATH.";

    /// <exception cref="ArgumentException">An option is unknown or lacks its value.</exception>
    public static QuickStartOptions Parse(string[] args)
    {
        var options = new QuickStartOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {name} needs a value.");
            int Number() => int.Parse(Value(), CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--epochs": options.SearchEpochs = Number(); break;
                case "--child-steps": options.ChildSteps = Number(); break;
                case "--final-epochs": options.FinalEpochs = Number(); break;
                case "--layers": options.Layers = Number(); break;
                case "--shift": options.Shift = Number(); break;
                case "--cutout": options.Cutout = Number(); break;
                case "--filters": options.Filters = Number(); break;
                case "--train": options.TrainRows = Number(); break;
                case "--device": options.Device = Value(); break;
                case "--threads": options.Threads = Number(); break;
                case "--model": options.ModelPath = Value(); break;
                case "--help": throw new ArgumentException(Usage);
                default: throw new ArgumentException($"Unknown option '{name}'. {Usage}");
            }
        }
        return options;
    }
}
