using Microsoft.ML.Nas.Strategies.Random;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the random one-shot estimator (<c>mlContext.Nas().Random(...)</c>): <see cref="NasOptions{TSearch}.Search"/>
/// is a <see cref="RandomTrainerOptions"/> with its defaults (10 epochs of uniform single-path training, then the best
/// of 20 drawn architectures); the final training is in <see cref="NasOptions.Final"/>.
/// </summary>
public sealed class RandomOptions : NasOptions<RandomTrainerOptions>;
