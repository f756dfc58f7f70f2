using Microsoft.ML.Nas.Strategies.Spos;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the SPOS estimator (<c>mlContext.Nas().Spos(...)</c>): <see cref="NasOptions{TSearch}.Search"/> is a
/// <see cref="SposTrainerOptions"/> with its defaults (10 epochs of uniform single-path training, then NNI's evolution:
/// 20 generations of 50); the final training is in <see cref="NasOptions.Final"/>.
/// </summary>
public sealed class SposOptions : NasOptions<SposTrainerOptions>;
