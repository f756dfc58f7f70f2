namespace Microsoft.ML.Nas.Visualization.Charts;

/// <summary>One line of a <see cref="LineChart"/>: a value per epoch (NaN where there is none), its name and colour.</summary>
/// <param name="Name">The legend and tooltip name.</param>
/// <param name="Values">One value per epoch, from the first epoch.</param>
/// <param name="Color">The line's CSS colour.</param>
/// <param name="Dashed">Whether the line is dashed (validation beside training, a baseline beside the reward).</param>
internal sealed record ChartSeries(string Name, IReadOnlyList<double> Values, string Color, bool Dashed = false);
