namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// One decision of a search space: a key, what it chooses among, and the mutables that share it.
/// </summary>
public sealed class DecisionInfo
{
    internal DecisionInfo(string key, MutableKind kind, IReadOnlyList<string> candidateNames, int? nChosen, IReadOnlyList<string> chooseFrom, IReadOnlyList<IMutable> mutables, IReadOnlyList<string> paths)
    {
        Key = key;
        Kind = kind;
        CandidateNames = candidateNames;
        NChosen = nChosen;
        ChooseFrom = chooseFrom;
        Mutables = mutables;
        Paths = paths;
        // NNI writes names when they are unambiguous and cannot be mistaken for indices; else indices.
        WritesNames = candidateNames.All(n => n.Length > 0 && !n.All(char.IsAsciiDigit))
            && candidateNames.Distinct(StringComparer.Ordinal).Count() == candidateNames.Count;
    }

    /// <summary>The decision key.</summary>
    public string Key { get; }

    /// <summary><see cref="MutableKind.LayerChoice"/> or <see cref="MutableKind.InputChoice"/>.</summary>
    public MutableKind Kind { get; }

    /// <summary>
    /// The candidates' names in order: a LayerChoice's candidate names, or an InputChoice's <c>chooseFrom</c> keys
    /// ("" for an input with no key).
    /// </summary>
    public IReadOnlyList<string> CandidateNames { get; }

    /// <summary>The number of candidates (the length of a mask).</summary>
    public int CandidateCount => CandidateNames.Count;

    /// <summary>For an InputChoice, how many inputs are chosen (null: any subset); null for a LayerChoice.</summary>
    public int? NChosen { get; }

    /// <summary>For an InputChoice, the keys its inputs come from; empty for a LayerChoice.</summary>
    public IReadOnlyList<string> ChooseFrom { get; }

    /// <summary>Whether an exported architecture names candidates (true) or numbers them (false).</summary>
    public bool WritesNames { get; }

    /// <summary>The mutables that share this decision, in registration order.</summary>
    public IReadOnlyList<IMutable> Mutables { get; }

    /// <summary>The module paths of <see cref="Mutables"/>, in the same order.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>
    /// log10 of the number of choices: K for a LayerChoice (one candidate), 2^n for an InputChoice choosing any subset,
    /// C(n, k) for one choosing k.
    /// </summary>
    public double Log10Choices => Kind == MutableKind.LayerChoice
        ? Math.Log10(CandidateCount)
        : NChosen is { } k ? Log10Binomial(CandidateCount, k) : CandidateCount * Math.Log10(2);

    /// <summary>"conv3x3, conv5x5" or "0, 1, 2": the valid candidates, for messages.</summary>
    internal string DescribeCandidates()
    {
        var indices = $"indices 0..{CandidateCount - 1}";
        return WritesNames ? $"{string.Join(", ", CandidateNames)} (or {indices})" : indices;
    }

    private static double Log10Binomial(int n, int k)
    {
        double sum = 0;
        for (int i = 1; i <= k; i++)
        {
            sum += Math.Log10((double)(n - k + i) / i);
        }
        return sum;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Key}: {Kind} of {CandidateCount}";
}
