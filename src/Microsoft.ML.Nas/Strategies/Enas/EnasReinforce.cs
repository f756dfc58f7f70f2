using System.Globalization;
using Microsoft.ML.Nas.Strategies.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// Trains an <see cref="EnasMutator"/>'s controller by REINFORCE, as ENAS does: for each sampled architecture,
/// reward += entropyWeight · entropy; baseline ← decay · baseline + (1 − decay) · reward; loss = −log p · (reward −
/// baseline) + skipWeight · skip penalty, divided by the aggregation count; after that many samples the gradient is
/// clipped and Adam steps.
/// </summary>
/// <remarks>
/// Use: <c>mutator.Reset()</c> with gradients on, evaluate the sampled architecture, then <see cref="Observe"/> its
/// reward. Minimizing −log p · advantage raises the probability of architectures that beat the baseline (the sign that
/// nni#2765 asked to be checked).
/// </remarks>
internal sealed class EnasReinforce : IDisposable
{
    private readonly EnasMutator mutator;
    private readonly AdamWithL2 optimizer;
    private readonly IReadOnlyList<Parameter> parameters;

    /// <summary>Creates the update with NNI's defaults.</summary>
    /// <param name="mutator">The mutator whose controller is trained.</param>
    /// <param name="learningRate">Adam's learning rate (NNI: 3.5e-4).</param>
    /// <param name="entropyWeight">Weight of the sample entropy added to the reward (NNI: 1e-4; 0 turns it off).</param>
    /// <param name="skipWeight">Weight of the skip penalty in the loss (NNI: 0.8; 0 turns it off).</param>
    /// <param name="baselineDecay">Decay of the moving-average baseline (NNI: 0.999).</param>
    /// <param name="aggregateSteps">Samples whose gradients are summed into one optimizer step (NNI: 20).</param>
    /// <param name="gradientClip">Maximum gradient norm before a step (NNI: 5; 0 turns clipping off).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public EnasReinforce(EnasMutator mutator, double learningRate = 3.5e-4, double entropyWeight = 1e-4, double skipWeight = 0.8,
        double baselineDecay = 0.999, int aggregateSteps = 20, double gradientClip = 5)
    {
        ArgumentNullException.ThrowIfNull(mutator);
        Check(learningRate > 0 && double.IsFinite(learningRate), nameof(learningRate), learningRate, "a positive number");
        Check(entropyWeight >= 0 && double.IsFinite(entropyWeight), nameof(entropyWeight), entropyWeight, "0 or more");
        Check(skipWeight >= 0 && double.IsFinite(skipWeight), nameof(skipWeight), skipWeight, "0 or more");
        Check(baselineDecay is >= 0 and < 1, nameof(baselineDecay), baselineDecay, "in [0, 1)");
        Check(aggregateSteps >= 1, nameof(aggregateSteps), aggregateSteps, "at least 1");
        Check(gradientClip >= 0 && double.IsFinite(gradientClip), nameof(gradientClip), gradientClip, "0 (off) or more");
        this.mutator = mutator;
        EntropyWeight = entropyWeight;
        SkipWeight = skipWeight;
        BaselineDecay = baselineDecay;
        AggregateSteps = aggregateSteps;
        GradientClip = gradientClip;
        parameters = mutator.Controller.parameters().ToList();
        optimizer = new AdamWithL2(parameters, learningRate);
    }

    /// <summary>Weight of the entropy in the reward.</summary>
    public double EntropyWeight { get; }

    /// <summary>Weight of the skip penalty in the loss.</summary>
    public double SkipWeight { get; }

    /// <summary>Decay of the baseline.</summary>
    public double BaselineDecay { get; }

    /// <summary>Samples per optimizer step.</summary>
    public int AggregateSteps { get; }

    /// <summary>Maximum gradient norm (0: no clipping).</summary>
    public double GradientClip { get; }

    /// <summary>The moving-average baseline (starts at 0, or at the first reward); part of a checkpoint.</summary>
    public double Baseline { get; set; }

    /// <summary>Whether the baseline starts at the first reward instead of 0 (NNI's start).</summary>
    public bool BaselineFromFirstReward { get; init; }

    /// <summary>Samples observed since the last optimizer step; part of a checkpoint.</summary>
    public int PendingSamples { get; set; }

    /// <summary>The controller's Adam optimizer (its state is part of a checkpoint).</summary>
    public IParameterOptimizer Optimizer => optimizer;

    /// <summary>
    /// Adds the REINFORCE gradient of the mutator's last sample for <paramref name="reward"/>, and steps the optimizer
    /// when an aggregation window is complete.
    /// </summary>
    /// <exception cref="InvalidOperationException">The last sample was drawn without gradients.</exception>
    /// <exception cref="NonFiniteTrainingException">The sample's loss is NaN or infinite (checked before its backward).</exception>
    public ControllerUpdate Observe(double reward)
    {
        if (!double.IsFinite(reward))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, "A reward must be a finite number.");
        }
        var logProbability = mutator.SampleLogProbability;
        if (!logProbability.requires_grad)
        {
            throw new InvalidOperationException(
                "The mutator's last sample has no gradient: call mutator.Reset() with gradients on (outside torch.no_grad()) before Observe.");
        }
        using var threads = new OneIntraOpThread();
        double entropy = mutator.SampleEntropy.ToDouble();
        double skipPenalty = mutator.SampleSkipPenalty.ToDouble();
        reward += EntropyWeight * entropy;
        // A baseline still at 0 has seen no reward (a checkpoint keeps it, so a resumed run decides alike); a reward of
        // exactly 0 leaves it there, as the moving average would.
        Baseline = BaselineFromFirstReward && Baseline == 0 ? reward : BaselineDecay * Baseline + (1 - BaselineDecay) * reward;
        double loss;
        using (var scope = NewDisposeScope())
        {
            var sampleLoss = -logProbability * (reward - Baseline);
            if (SkipWeight > 0)
            {
                sampleLoss = sampleLoss + mutator.SampleSkipPenalty * SkipWeight;
            }
            loss = sampleLoss.ToDouble();
            // Before the backward: a NaN here would reach the controller's weights through Adam.
            NonFiniteTrainingException.ThrowIfNotFinite(loss, "controller loss");
            (sampleLoss / AggregateSteps).backward();
        }
        PendingSamples++;
        bool stepped = PendingSamples >= AggregateSteps;
        if (stepped)
        {
            Step();
        }
        return new ControllerUpdate(reward, Baseline, loss, entropy, skipPenalty, logProbability.ToDouble(), stepped);
    }

    /// <summary>Clips the summed gradient, steps Adam, and clears the gradient (also for a partial window).</summary>
    /// <exception cref="NonFiniteTrainingException">The gradient norm is NaN or infinite (checked before the step).</exception>
    public void Step()
    {
        using var threads = new OneIntraOpThread();
        if (GradientClip > 0)
        {
            // libtorch skips parameters without a gradient (a head the space never uses); it reads the norm back to the
            // host already, so checking it is free.
            double norm = nn.utils.clip_grad_norm_(parameters, GradientClip);
            NonFiniteTrainingException.ThrowIfNotFinite(norm, "controller gradient norm");
        }
        optimizer.Step();
        optimizer.ZeroGrad();
        PendingSamples = 0;
    }

    /// <summary>Frees the optimizer.</summary>
    public void Dispose() => optimizer.Dispose();

    private static void Check(bool valid, string name, object value, string expected)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be {expected}; got {value}."));
        }
    }
}
