namespace Microsoft.ML.Nas.Strategies.Spos;

/// <summary>
/// Settings of an SPOS search (Single Path One-Shot, Guo et al. 2019, arXiv 1904.00420; NNI v1.9 <c>spos/</c>): the
/// supernet trains one uniformly drawn path per step (the loop's defaults, one pass over the training data per
/// epoch); in the last epoch an evolution over the trained supernet follows, with NNI's defaults (a population of 50,
/// 20 generations, the best 10 as parents, 25 children by crossover and 25 by mutation with probability 0.1). Each
/// candidate's batch-norm statistics are re-estimated on <see cref="SinglePathTrainerOptions.BatchNormBatches"/>
/// training batches (default 8; NNI: 128 of 200 images) before it is scored on the validation data (else on the
/// held-out <see cref="SinglePathTrainerOptions.ScoreFraction"/>). Scale the counts down for small data: every
/// candidate costs those batches and one pass over the scoring data. The same object is the ML.NET SPOS estimator's
/// <c>Search</c> options.
/// </summary>
public sealed class SposTrainerOptions : SinglePathTrainerOptions
{
    /// <summary>Creates the options with SPOS's defaults where they differ from the shared ones.</summary>
    public SposTrainerOptions()
    {
        BatchNormBatches = 8;
    }

    /// <summary>Architectures scored per generation; default 50 (NNI's).</summary>
    public int PopulationSize { get; set; } = 50;

    /// <summary>Generations of the evolution; default 20 (NNI's).</summary>
    public int Generations { get; set; } = 20;

    /// <summary>The best of a generation that parent the next; default 10 (NNI's); at most <see cref="PopulationSize"/>.</summary>
    public int ParentCount { get; set; } = 10;

    /// <summary>Children made by crossover per generation; default 25 (NNI's).</summary>
    public int CrossoverCount { get; set; } = 25;

    /// <summary>Children made by mutation per generation; default 25 (NNI's).</summary>
    public int MutationCount { get; set; } = 25;

    /// <summary>The probability that a mutation draws a decision anew; default 0.1 (NNI's).</summary>
    public double MutationProbability { get; set; } = 0.1;

    /// <inheritdoc/>
    public override void Validate(string path)
    {
        base.Validate(path);
        OptionCheck.Positive(PopulationSize, path + nameof(PopulationSize));
        OptionCheck.Positive(Generations, path + nameof(Generations));
        OptionCheck.Require(ParentCount > 0 && ParentCount <= PopulationSize, path + nameof(ParentCount), ParentCount,
            $"positive and at most {nameof(PopulationSize)} ({PopulationSize})");
        OptionCheck.Require(CrossoverCount >= 0, path + nameof(CrossoverCount), CrossoverCount, "0 or more");
        OptionCheck.Require(MutationCount >= 0, path + nameof(MutationCount), MutationCount, "0 or more");
        OptionCheck.Require(MutationProbability is >= 0 and <= 1, path + nameof(MutationProbability), MutationProbability, "in [0, 1]");
    }
}
