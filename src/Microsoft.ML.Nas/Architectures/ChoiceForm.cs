namespace Microsoft.ML.Nas.Architectures;

/// <summary>The forms a decision takes in an architecture JSON file (NNI's format).</summary>
public enum ChoiceForm
{
    /// <summary>One candidate by name: <c>"conv5x5"</c>.</summary>
    Name,

    /// <summary>One candidate by index: <c>6</c>.</summary>
    Index,

    /// <summary>Candidates by name: <c>["layer1", "layer3"]</c>.</summary>
    Names,

    /// <summary>Candidates by index: <c>[1, 2]</c>; <c>[]</c> chooses nothing.</summary>
    Indices,

    /// <summary>A bool per candidate: <c>[false, true, false]</c>.</summary>
    Mask,

    /// <summary>A weight per candidate (outputs are scaled by them): <c>[0.25, 0.75]</c>.</summary>
    Weights,
}
