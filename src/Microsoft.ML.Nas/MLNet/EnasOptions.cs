using Microsoft.ML.Nas.Strategies.Enas;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the ENAS estimator (<c>mlContext.Nas().Enas(...)</c>): <see cref="NasOptions{TSearch}.Search"/> is an
/// <see cref="EnasTrainerOptions"/> with its defaults (10 epochs of 100 child and 20 controller steps; NNI's controller
/// settings for the space searched); the final training is in <see cref="NasOptions.Final"/>.
/// </summary>
public sealed class EnasOptions : NasOptions<EnasTrainerOptions>;
