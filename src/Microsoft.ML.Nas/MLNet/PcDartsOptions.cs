using Microsoft.ML.Nas.Strategies.PcDarts;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the PC-DARTS estimator (<c>mlContext.Nas().PcDarts(...)</c>): <see cref="NasOptions{TSearch}.Search"/> is a
/// <see cref="PcDartsTrainerOptions"/> with its defaults (K = 4, DARTS's other settings); the final training is in
/// <see cref="NasOptions.Final"/>. The space must be <c>SearchSpaces.DartsCells</c> (the default for images).
/// </summary>
public sealed class PcDartsOptions : NasOptions<PcDartsTrainerOptions>;
