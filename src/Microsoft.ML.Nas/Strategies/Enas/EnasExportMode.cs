namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>How an ENAS search picks the architecture it exports.</summary>
public enum EnasExportMode
{
    /// <summary>
    /// The ENAS paper's way: sample <see cref="EnasTrainerOptions.ExportSamples"/> architectures from the trained
    /// controller, score each on the validation data with the shared weights, and export the best.
    /// </summary>
    BestOfSamples,

    /// <summary>NNI's way: one architecture drawn from the trained controller, not evaluated.</summary>
    SingleSample,
}
