using System.Globalization;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// The one way options types report a bad value: an <see cref="ArgumentOutOfRangeException"/> whose parameter name is
/// the property's path as the user wrote it (<c>ChildSteps</c> on a trainer, <c>Search.ChildSteps</c> through ML.NET),
/// so the message points at the line to fix.
/// </summary>
internal static class OptionCheck
{
    /// <summary>Throws unless <paramref name="valid"/>, naming <paramref name="path"/> and what it must be.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range.</exception>
    public static void Require(bool valid, string path, object? value, string expected)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(path, value,
                string.Create(CultureInfo.InvariantCulture, $"{path} must be {expected}; got {value ?? "null"}."));
        }
    }

    /// <summary>Throws unless the integer is at least 1.</summary>
    public static void Positive(int value, string path) => Require(value > 0, path, value, "positive");

    /// <summary>Throws unless the number is finite and at least 0 (NaN fails).</summary>
    public static void NonNegative(double value, string path) => Require(value >= 0 && double.IsFinite(value), path, value, "a non-negative number");

    /// <summary>Throws unless the number is finite and above 0 (NaN fails).</summary>
    public static void Positive(double value, string path) => Require(value > 0 && double.IsFinite(value), path, value, "a positive number");

    /// <summary>Throws unless the number lies in [0, 1).</summary>
    public static void Fraction(double value, string path) => Require(value is >= 0 and < 1, path, value, "in [0, 1)");

    /// <summary>Throws when a composed options object is missing.</summary>
    /// <exception cref="ArgumentException">The value is null.</exception>
    public static T Present<T>(T? value, string path) where T : class =>
        value ?? throw new ArgumentException($"{path} must be set.", path);
}
