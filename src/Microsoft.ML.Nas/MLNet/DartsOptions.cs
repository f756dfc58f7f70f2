using Microsoft.ML.Nas.Strategies.Darts;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the DARTS estimator (<c>mlContext.Nas().Darts(...)</c>): <see cref="NasOptions{TSearch}.Search"/> is a
/// <see cref="DartsTrainerOptions"/> with its defaults (NNI's, except 10 epochs); the final training is in
/// <see cref="NasOptions.Final"/>.
/// </summary>
public sealed class DartsOptions : NasOptions<DartsTrainerOptions>;
