using Microsoft.ML.Nas.Strategies.Gdas;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the GDAS estimator (<c>mlContext.Nas().Gdas(...)</c>): <see cref="NasOptions{TSearch}.Search"/> is a
/// <see cref="GdasTrainerOptions"/> with its defaults (temperature 10 to 0.1, DARTS's other settings); the final
/// training is in <see cref="NasOptions.Final"/>.
/// </summary>
public sealed class GdasOptions : NasOptions<GdasTrainerOptions>;
