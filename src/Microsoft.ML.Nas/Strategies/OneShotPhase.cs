namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// One part of an epoch: <paramref name="Steps"/> calls of <see cref="IOneShotStrategy.Step"/> under one name
/// (DARTS: "search", one step per training batch; ENAS: "child" then "controller", each with its own count).
/// </summary>
/// <param name="Name">The name shown in logs and progress.</param>
/// <param name="Steps">How many steps the phase runs.</param>
public sealed record OneShotPhase(string Name, int Steps);
