using System.Globalization;
using Microsoft.ML.Nas.Architectures;

namespace Microsoft.ML.Nas.Strategies;

/// <summary><see cref="OneShotTrainerOptions.MaxParameters"/> with the counter of the searched space.</summary>
internal sealed class ParameterBudget
{
    /// <exception cref="ArgumentOutOfRangeException">No architecture of the space fits; the message names the smallest count.</exception>
    /// <param name="max">The budget.</param>
    /// <param name="counter">The counter of the space.</param>
    /// <param name="path">Where the option sits, for the message (<c>Search.</c> through ML.NET).</param>
    public ParameterBudget(long max, ParameterCounter counter, string path = "")
    {
        if (counter.Smallest > max)
        {
            string option = path + nameof(OneShotTrainerOptions.MaxParameters);
            throw new ArgumentOutOfRangeException(option, max, string.Create(CultureInfo.InvariantCulture,
                $"{option} = {max} cannot be met: the smallest network this space can make has {counter.Smallest} parameters."));
        }
        Max = max;
        Counter = counter;
    }

    public long Max { get; }

    public ParameterCounter Counter { get; }

    public bool Fits(Architecture architecture) => Counter.Count(architecture) <= Max;

    public bool Fits(IReadOnlyDictionary<string, bool[]> chosen) => Counter.Count(chosen) <= Max;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"at most {Max} parameters");
}
