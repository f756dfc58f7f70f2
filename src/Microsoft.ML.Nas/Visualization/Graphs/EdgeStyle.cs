namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>How an arrow in an architecture picture is drawn.</summary>
internal enum EdgeStyle
{
    /// <summary>A solid arrow: data flows along it.</summary>
    Solid,

    /// <summary>A dashed, coloured arrow: a skip connection the search chose.</summary>
    Skip,

    /// <summary>A thin grey arrow: a fixed join (a concatenation) or a candidate input the search did not choose.</summary>
    Faint,
}
