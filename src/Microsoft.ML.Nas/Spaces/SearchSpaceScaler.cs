namespace Microsoft.ML.Nas.Spaces;

/// <summary>
/// Makes a spec of a custom space wider and deeper for the final training of an architecture found on it: returns a
/// spec of the same kind whose network has the same decision keys (so the architecture applies unchanged), with more
/// channels or units (<paramref name="widthMultiplier"/> ≥ 1) and, where the space's layers share their decisions,
/// more layers (<paramref name="depthMultiplier"/> ≥ 1). Throw <see cref="ArgumentException"/> for what the space cannot do.
/// </summary>
public delegate SearchSpaceSpec SearchSpaceScaler(SearchSpaceSpec spec, double widthMultiplier, int depthMultiplier);
