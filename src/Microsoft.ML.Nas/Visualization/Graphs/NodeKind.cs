namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>What a box in an architecture picture stands for; it sets the box's colours.</summary>
internal enum NodeKind
{
    /// <summary>Data entering the picture: the image, a cell's inputs.</summary>
    Input,

    /// <summary>Where the picture ends: a cell's output, the classifier.</summary>
    Output,

    /// <summary>A state that sums or joins what reaches it: a cell node.</summary>
    State,

    /// <summary>A searched layer, labelled with the candidate it chose.</summary>
    Operation,

    /// <summary>A part the search does not vary: a stem, a scope.</summary>
    Fixed,
}
