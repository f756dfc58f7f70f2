using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Mutators;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// What Random and SPOS share: uniform single-path training of the supernet (a <see cref="RandomMutator"/> draws
/// a path per step, one step of the weights on it), validation of one drawn path, the scoring data (the validation data,
/// else a stratified share of the training data held out of training) and the scorer of architectures.
/// </summary>
internal sealed class SinglePathSupernet : IDisposable
{
    private readonly OneShotContext context;
    private readonly SinglePathTrainerOptions options;
    private readonly TensorDataset? trainPart;
    private readonly TensorDataset? heldOut;
    private readonly BatchStream batches;

    public SinglePathSupernet(OneShotContext context, SinglePathTrainerOptions options, string name)
    {
        this.context = context;
        this.options = options;
        var train = context.TrainData;
        var scoreData = context.ValidData;
        if (scoreData is null)
        {
            (trainPart, heldOut) = HeldOutData.Split(train, options.ScoreFraction, context.Environment.Seed,
                name, nameof(options.ScoreFraction), "to score architectures on (there is no validation data)");
            train = trainPart;
            scoreData = heldOut;
        }
        Mutator = new RandomMutator(context.Model, unchecked((int)(context.Environment.Seed * 1_000_003) ^ 0x51A6));
        batches = context.CreateStream(name.ToLowerInvariant() + "-train", train);
        Scorer = new CandidateScorer(context, scoreData, context.Metric, train, options.BatchNormBatches);
        context.Log($"{name}: the supernet trains on {train.Count} samples; architectures are scored on the " +
            (heldOut is null ? $"validation data ({scoreData.Count} samples)." : $"{scoreData.Count} samples held out of the training data."));
    }

    public RandomMutator Mutator { get; }

    public CandidateScorer Scorer { get; }

    /// <summary>The training phase of an epoch.</summary>
    public OneShotPhase TrainPhase => new("train", options.StepsPerEpoch ?? (int)batches.BatchesPerPass);

    /// <summary>A fresh uniform path, then one step of the weights on it.</summary>
    public StepResult TrainStep()
    {
        using (no_grad())
        {
            Mutator.Reset();
        }
        return context.TrainWeights(batches.Next(), options.AuxiliaryWeight);
    }

    /// <summary>One drawn path on the validation data, when there is any.</summary>
    public EvaluationResult? Validate()
    {
        if (context.ValidData is not { } data)
        {
            return null;
        }
        using (no_grad())
        {
            Mutator.Reset();
        }
        return context.Evaluate(data);
    }

    /// <summary>Scores <paramref name="architecture"/> (left set on the supernet).</summary>
    public EvaluationResult Score(Architecture architecture)
    {
        Mutator.SetDecisions(architecture);
        return Scorer.Score();
    }

    public void Dispose()
    {
        Mutator.Dispose();
        trainPart?.Dispose();
        heldOut?.Dispose();
    }
}
