using System.Globalization;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// The ENAS controller's hyperparameters, with NNI's defaults (NNI v1 <c>EnasMutator</c>, NNI v2
/// <c>ReinforceController</c>).
/// </summary>
public sealed class EnasMutatorOptions
{
    /// <summary>Hidden units of each LSTM layer (NNI: 64).</summary>
    public int LstmSize { get; set; } = 64;

    /// <summary>Stacked LSTM layers (NNI: 1).</summary>
    public int LstmLayers { get; set; } = 1;

    /// <summary>
    /// Logits become <c>TanhConstant · tanh(logits)</c>, which bounds how sure the controller can get (NNI: 1.5; the ENAS
    /// micro space uses 1.1). Null leaves logits as they are.
    /// </summary>
    public double? TanhConstant { get; set; } = 1.5;

    /// <summary>Logits are divided by this before the tanh (the ENAS paper's code uses 5 for the micro space); null: none.</summary>
    public double? Temperature { get; set; }

    /// <summary>
    /// Whether the controller takes one more LSTM step when it leaves a <c>MutableScope</c> and uses that state as the
    /// scope's anchor, as the ENAS paper's code does for micro cells (NNI: false).
    /// </summary>
    public bool CellExitExtraStep { get; set; }

    /// <summary>The probability of keeping an input that the skip penalty pulls any-subset InputChoices toward (NNI: 0.4).</summary>
    public double SkipTarget { get; set; } = 0.4;

    /// <summary>
    /// A fixed logit bias in LayerChoices whose key contains <c>reduce</c>: +bias for candidates whose name or module
    /// type contains <c>conv</c>, −bias for the others, so reduction cells start out favouring convolutions (NNI: 0.25).
    /// </summary>
    public double BranchBias { get; set; } = 0.25;

    /// <summary>How an any-subset InputChoice's per-input log-probabilities and entropies are combined (NNI: sum).</summary>
    public EntropyReduction EntropyReduction { get; set; } = EntropyReduction.Sum;

    /// <summary>Seeds the controller's initial weights and its sampling: the same seed gives the same samples on CPU.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// The settings NNI's and the paper's code use for the ENAS micro space: tanh constant 1.1 and an extra LSTM step at
    /// each cell exit; the rest as given by the defaults.
    /// </summary>
    public static EnasMutatorOptions ForMicroSpace() => new() { TanhConstant = 1.1, CellExitExtraStep = true };

    /// <summary>A copy, so that later changes to these options do not reach a controller built from them.</summary>
    internal EnasMutatorOptions Clone() => (EnasMutatorOptions)MemberwiseClone();

    /// <summary>Checks every value and names the first bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    internal void Validate()
    {
        Positive(LstmSize, nameof(LstmSize));
        Positive(LstmLayers, nameof(LstmLayers));
        if (TanhConstant is { } tanh && !(tanh > 0 && double.IsFinite(tanh)))
        {
            throw Out(nameof(TanhConstant), tanh, "a positive number, or null for no tanh");
        }
        if (Temperature is { } temperature && !(temperature > 0 && double.IsFinite(temperature)))
        {
            throw Out(nameof(Temperature), temperature, "a positive number, or null for none");
        }
        if (!(SkipTarget > 0 && SkipTarget < 1))
        {
            throw Out(nameof(SkipTarget), SkipTarget, "a probability strictly between 0 and 1");
        }
        if (!double.IsFinite(BranchBias))
        {
            throw Out(nameof(BranchBias), BranchBias, "a finite number");
        }
        if (!Enum.IsDefined(EntropyReduction))
        {
            throw Out(nameof(EntropyReduction), EntropyReduction, "Sum or Mean");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw Out(name, value, "at least 1");
        }
    }

    private static ArgumentOutOfRangeException Out(string name, object value, string expected) =>
        new(name, value, string.Create(CultureInfo.InvariantCulture, $"EnasMutatorOptions.{name} must be {expected}; got {value}."));
}
