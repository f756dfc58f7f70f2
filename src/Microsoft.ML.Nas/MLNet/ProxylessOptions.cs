using Microsoft.ML.Nas.Strategies.Proxyless;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>
/// Options of the ProxylessNAS estimator (<c>mlContext.Nas().Proxyless(...)</c>): <see cref="NasOptions{TSearch}.Search"/>
/// is a <see cref="ProxylessTrainerOptions"/> with its defaults; the final training is in <see cref="NasOptions.Final"/>.
/// The space must hold LayerChoices only (the <c>mlp</c> space, or a custom one).
/// </summary>
public sealed class ProxylessOptions : NasOptions<ProxylessTrainerOptions>;
