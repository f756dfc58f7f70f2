using Microsoft.ML.Nas.Strategies.Pdarts;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the P-DARTS estimator (<c>mlContext.Nas().Pdarts(...)</c>): <see cref="NasOptions{TSearch}.Search"/> is a
/// <see cref="PdartsTrainerOptions"/> with its defaults (three stages of depth ratios 1, 2.2 and 3.4 dropping 3, 2 and
/// 1 ops per edge, skip dropout 0.1, 0.4 and 0.7, at most 2 skip connections per normal cell; <c>Epochs</c> per stage);
/// the final training is in <see cref="NasOptions.Final"/>. The space must be <c>SearchSpaces.DartsCells</c> (the
/// default for images), whose depth the stages grow.
/// </summary>
public sealed class PdartsOptions : NasOptions<PdartsTrainerOptions>;
