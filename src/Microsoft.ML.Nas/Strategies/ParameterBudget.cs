using System.Globalization;
using Microsoft.ML.Nas.Architectures;

namespace Microsoft.ML.Nas.Strategies;

/// <summary><see cref="OneShotTrainerOptions.MaxParameters"/> with the counter of the searched space.</summary>
internal sealed class ParameterBudget
{
    /// <exception cref="ArgumentOutOfRangeException">No architecture of the space fits; the message names the smallest count.</exception>
    public ParameterBudget(long max, ParameterCounter counter)
    {
        if (counter.Smallest > max)
        {
            throw new ArgumentOutOfRangeException(nameof(OneShotTrainerOptions.MaxParameters), max, string.Create(CultureInfo.InvariantCulture,
                $"{nameof(OneShotTrainerOptions.MaxParameters)} = {max} cannot be met: the smallest network this space can make has {counter.Smallest} parameters."));
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
