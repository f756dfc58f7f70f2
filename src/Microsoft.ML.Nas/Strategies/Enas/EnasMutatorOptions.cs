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

    /// <summary>NNI's settings for <paramref name="model"/>: <see cref="ForMicroSpace"/> for the ENAS micro network, else the defaults.</summary>
    internal static EnasMutatorOptions For(TorchSharp.torch.nn.Module model) =>
        model is Spaces.Enas.EnasMicroNetwork ? ForMicroSpace() : new EnasMutatorOptions();

    /// <summary>Checks every value and names the first bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range; the parameter name is the property.</exception>
    public void Validate() => Validate(nameof(EnasMutatorOptions) + ".");

    /// <summary>Checks every value; names in messages start with <paramref name="path"/> (e.g. <c>Search.Controller.</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range; the parameter name is its path.</exception>
    public void Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        OptionCheck.Require(LstmSize >= 1, path + nameof(LstmSize), LstmSize, "at least 1");
        OptionCheck.Require(LstmLayers >= 1, path + nameof(LstmLayers), LstmLayers, "at least 1");
        OptionCheck.Require(TanhConstant is null or (> 0 and < double.PositiveInfinity), path + nameof(TanhConstant), TanhConstant,
            "a positive number, or null for no tanh");
        OptionCheck.Require(Temperature is null or (> 0 and < double.PositiveInfinity), path + nameof(Temperature), Temperature,
            "a positive number, or null for none");
        OptionCheck.Require(SkipTarget is > 0 and < 1, path + nameof(SkipTarget), SkipTarget, "a probability strictly between 0 and 1");
        OptionCheck.Require(double.IsFinite(BranchBias), path + nameof(BranchBias), BranchBias, "a finite number");
        OptionCheck.Require(Enum.IsDefined(EntropyReduction), path + nameof(EntropyReduction), EntropyReduction, "Sum or Mean");
    }
}
