using Microsoft.ML.Nas.Strategies;

namespace DartsMnist;

/// <summary>Shows a one-line progress bar per epoch, and a summary line when the epoch ends.</summary>
internal sealed class ConsoleProgress(string stage) : IProgress<OneShotProgress>
{
    public void Report(OneShotProgress value)
    {
        if (value.Completed is { } record)
        {
            string valid = record.ValidMetric is { } accuracy ? $", valid accuracy {accuracy:P1}" : "";
            Console.WriteLine($"\r{stage} epoch {record.Epoch + 1}/{value.Epochs}: loss {record.TrainLoss:F3}, train accuracy {record.TrainMetric:P1}{valid} ({record.Elapsed.TotalSeconds:F0} s)   ");
            return;
        }
        const int width = 30;
        int filled = value.Steps == 0 ? width : value.Step * width / value.Steps;
        Console.Write($"\r{stage} epoch {value.Epoch + 1}/{value.Epochs} [{new string('#', filled)}{new string('.', width - filled)}] " +
            $"{value.Step}/{value.Steps} loss {value.Loss:F3}   ");
    }
}
