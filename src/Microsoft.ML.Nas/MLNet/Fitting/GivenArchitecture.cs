using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Spaces;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>No search: the options' architecture is given (checked against the space when the network is pruned).</summary>
internal sealed class GivenArchitecture(FixedArchitectureOptions options) : IArchitectureSearch
{
    public string Name => "fixed architecture";

    public SearchSpaceSpec DefaultImageSpace(SpaceContext context) => throw new ArgumentException(
        "A fixed architecture needs the SearchSpace option: the space its decisions belong to.", nameof(context));

    public (Architecture Architecture, IReadOnlyList<NasEpochRecord> History) Search(NasRun run) =>
        (options.Architecture ?? throw new ArgumentException("FixedArchitectureOptions.Architecture must be set.", nameof(run)), []);
}
