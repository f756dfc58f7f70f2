using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Enas;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the ENAS estimator (<c>mlContext.Nas().Enas(...)</c>). Controller settings default to NNI's
/// (REFERENCE §3); epochs and steps are kept small enough for a laptop; the final training settings are in
/// <see cref="NasOptions"/>.
/// </summary>
public sealed class EnasOptions : NasOptions
{
    /// <summary>Search epochs.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Search batch size.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Child (shared weights) steps per epoch, each on a freshly sampled architecture.</summary>
    public int ChildSteps { get; set; } = 100;

    /// <summary>Controller steps per epoch.</summary>
    public int ControllerSteps { get; set; } = 20;

    /// <summary>Batches whose rewards one controller step aggregates.</summary>
    public int ControllerAggregate { get; set; } = 5;

    /// <summary>Initial SGD learning rate of the shared weights (cosine-annealed).</summary>
    public double LearningRate { get; set; } = 0.05;

    /// <summary>Adam learning rate of the controller.</summary>
    public double ControllerLearningRate { get; set; } = 3.5e-4;

    /// <summary>How the exported architecture is picked: the best of several samples (the paper) or one sample (NNI).</summary>
    public EnasExportMode ExportMode { get; set; } = EnasExportMode.BestOfSamples;

    /// <summary>
    /// Architectures sampled and scored for <see cref="EnasExportMode.BestOfSamples"/>, on <see cref="NasOptions.ValidationData"/>
    /// when given, else on the reward data (a stratified 10% of the training data that the shared weights never train on).
    /// </summary>
    public int ExportSamples { get; set; } = 10;

    /// <summary>
    /// The controller's settings; null picks NNI's for the space searched (<see cref="EnasMutatorOptions.ForMicroSpace"/>
    /// for <c>enas-micro</c>, the defaults otherwise).
    /// </summary>
    public EnasMutatorOptions? Controller { get; set; }

    /// <summary>The space searched for images when <see cref="NasOptions.SearchSpace"/> is null: a small ENAS macro space.</summary>
    internal static SearchSpaceSpec DefaultImageSpace => SearchSpaces.EnasMacro(layers: 6, filters: 16);
}
