using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>How an estimator finds its architecture: a strategy plugged into the one Fit pipeline.</summary>
internal interface IArchitectureSearch
{
    /// <summary>The name used in logs (e.g. ENAS, DARTS).</summary>
    string Name { get; }

    /// <summary>The space searched when the options name none and the samples are images.</summary>
    SearchSpaceSpec DefaultImageSpace(SpaceContext context);

    /// <summary>Finds an architecture of <paramref name="run"/>'s space; returns it with its per-epoch records.</summary>
    (Architecture Architecture, IReadOnlyList<NasEpochRecord> History) Search(NasRun run);
}
