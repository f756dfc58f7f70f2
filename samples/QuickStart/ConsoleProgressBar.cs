using Microsoft.ML.Nas.MLNet;

namespace QuickStart;

/// <summary>A one-line progress bar for the NAS run, redrawn at most a few times a second.</summary>
internal sealed class ConsoleProgressBar : IProgress<NasProgress>
{
    private const int Width = 30;
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan lastDraw = TimeSpan.MinValue;
    private string? lastPhase;

    public void Report(NasProgress value)
    {
        bool phaseChanged = value.Phase != lastPhase;
        if (!phaseChanged && clock.Elapsed - lastDraw < TimeSpan.FromMilliseconds(250))
        {
            return;
        }
        if (phaseChanged && lastPhase is not null)
        {
            Console.WriteLine();
        }
        lastPhase = value.Phase;
        lastDraw = clock.Elapsed;
        int filled = (int)Math.Round(value.Fraction * Width);
        string line = $"  {value.Phase,-6} [{new string('#', filled)}{new string('.', Width - filled)}] {value.Fraction,4:P0}  " +
                      $"epoch {value.Epoch + 1}/{value.Epochs}, batch {value.Batch}/{value.Batches}, {clock.Elapsed.TotalSeconds:F0} s" +
                      (value.TimeLeft is { } left ? $", {left.TotalSeconds:F0} s left" : "");
        if (Console.IsOutputRedirected)
        {
            if (phaseChanged)
            {
                Console.WriteLine(line);
            }
            return;
        }
        Console.Write("\r" + line.PadRight(Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 110) : 110));
    }

    /// <summary>Ends the bar's line.</summary>
    public void Finish() => Console.WriteLine();
}
