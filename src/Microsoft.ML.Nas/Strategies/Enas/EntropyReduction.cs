namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// How the ENAS controller folds the per-input terms of an InputChoice that chooses any subset (one independent
/// skip/keep draw per input) into the sample's log-probability and entropy (NNI's <c>entropy_reduction</c>).
/// </summary>
public enum EntropyReduction
{
    /// <summary>Add the terms of every input (NNI's default).</summary>
    Sum,

    /// <summary>Average them, so a choice among many inputs weighs as much as a choice among few.</summary>
    Mean,
}
