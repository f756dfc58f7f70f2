using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Strategies.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Proxyless;

/// <summary>
/// ProxylessNAS plugged into <see cref="OneShotTrainer"/>: per step one weight step on a single path drawn from the
/// path weights; after <see cref="ProxylessTrainerOptions.WeightOnlyEpochs"/>, every
/// <see cref="ProxylessTrainerOptions.ArchitectureUpdateFrequency"/>-th step is followed by an architecture step on a
/// held-out batch (two drawn paths, binary gates: <see cref="ProxylessMutator"/>), in training mode as NNI's. Validation
/// evaluates the current argmax architecture; the export is that argmax (within
/// <see cref="OneShotTrainerOptions.MaxParameters"/> and <see cref="OneShotTrainerOptions.MaxLatency"/> by
/// <see cref="BudgetedArgmax"/>'s rule). With MaxLatency the architecture loss also holds the expected latency
/// (<see cref="ProxylessTrainerOptions.LatencyLoss"/>), whose gradient reaches α directly.
/// </summary>
public sealed class ProxylessStrategy : IOneShotStrategy
{
    private const int StateVersion = 1;

    private readonly ProxylessTrainerOptions options;
    private OneShotContext? context;
    private ProxylessMutator? mutator;
    private AdamWithL2? architectureOptimizer;
    private TensorDataset? weightPart;
    private TensorDataset? architecturePart;
    private BatchStream? weightBatches;
    private BatchStream? architectureBatches;

    /// <summary>Creates the strategy; it binds to the model when the loop attaches it.</summary>
    public ProxylessStrategy(ProxylessTrainerOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <inheritdoc/>
    public string Name => "ProxylessNAS";

    /// <summary>The mutator holding the path weights (after attachment).</summary>
    public ProxylessMutator Mutator => mutator ?? throw NotAttached();

    /// <inheritdoc/>
    public void Attach(OneShotContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        (weightPart, architecturePart) = HeldOutData.Split(context.TrainData, options.ArchitectureFraction, context.Environment.Seed,
            "ProxylessNAS", nameof(options.ArchitectureFraction), "for its architecture steps");
        this.context = context;
        mutator = new ProxylessMutator(context.Model, unchecked((int)(context.Environment.Seed * 1_000_003) ^ 0x9A7E));
        architectureOptimizer = new AdamWithL2(mutator.ArchitectureParameters, options.ArchitectureLearningRate, beta1: 0, beta2: 0.999);
        weightBatches = context.CreateStream("proxyless-weights", weightPart);
        architectureBatches = context.CreateStream("proxyless-architecture", architecturePart);
    }

    /// <inheritdoc/>
    public void OnEpochStart(int epoch)
    {
    }

    /// <inheritdoc/>
    public IReadOnlyList<OneShotPhase> PlanEpoch(int epoch) => [new OneShotPhase("search", (int)(weightBatches ?? throw NotAttached()).BatchesPerPass)];

    /// <inheritdoc/>
    public StepResult Step(OneShotPhase phase, int step)
    {
        var ctx = context ?? throw NotAttached();
        var proxyless = Mutator;
        using (no_grad())
        {
            proxyless.SampleSinglePath();
        }
        var result = ctx.TrainWeights(weightBatches!.Next());
        if (ctx.Epoch < options.WeightOnlyEpochs || (step + 1) % options.ArchitectureUpdateFrequency != 0)
        {
            return result;
        }
        ctx.ReleaseFreedMemory();
        var batch = architectureBatches!.Next();
        architectureOptimizer!.ZeroGrad();
        proxyless.SampleTwoPaths();
        var loss = ctx.Loss(ctx.Model.call(batch.Features), batch.Labels);
        var values = new Dictionary<string, double>();
        if (ctx.ArchitectureBudget is { Latency: { } table } budget)
        {
            var expected = proxyless.ExpectedLatency(table, budget.LatencyBatchSize);
            values["expected_latency_ms"] = expected.ToDouble();
            loss = LatencyLoss.Combine(loss, expected, ctx.Options.MaxLatency!.Value.TotalMilliseconds, options.LatencyLoss);
        }
        double value = loss.ToDouble();
        // Before the step: a NaN loss has NaN gradients, which Adam would write into every path weight.
        NonFiniteTrainingException.ThrowIfNotFinite(value, "architecture loss");
        values["arch_loss"] = value;
        proxyless.SetArchitectureGradients(loss);
        architectureOptimizer.Step();
        proxyless.RescaleSampledWeights();
        return result with { Values = values };
    }

    /// <summary>The current argmax architecture on the validation data, when there is any.</summary>
    public EvaluationResult? Validate(int epoch)
    {
        var ctx = context ?? throw NotAttached();
        if (ctx.ValidData is not { } data)
        {
            return null;
        }
        Mutator.SetDecisions(Mutator.Export());
        return ctx.Evaluate(data);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> ArchitectureWeights() => Mutator.Weights();

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StateVersion);
        foreach (var alpha in Mutator.ArchitectureParameters)
        {
            var values = alpha.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
            writer.Write(values.Length);
            foreach (float v in values)
            {
                writer.Write(v);
            }
        }
        architectureOptimizer!.Save(writer);
        writer.Write(Mutator.SamplerState);
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int version = reader.ReadInt32();
        if (version != StateVersion)
        {
            throw new InvalidDataException($"The checkpoint's ProxylessNAS state is version {version}; this build reads version {StateVersion}.");
        }
        using var noGrad = no_grad();
        foreach (var alpha in Mutator.ArchitectureParameters)
        {
            var values = new float[reader.ReadInt32()];
            if (values.Length != alpha.shape[0])
            {
                throw new InvalidDataException($"A path-weight vector in the checkpoint has {values.Length} entries; expected {alpha.shape[0]}.");
            }
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = reader.ReadSingle();
            }
            using var loaded = tensor(values).to(alpha.dtype).to(alpha.device);
            alpha.copy_(loaded);
        }
        architectureOptimizer!.Load(reader);
        Mutator.SamplerState = reader.ReadUInt64();
    }

    /// <inheritdoc/>
    public Architecture Export()
    {
        var architecture = Mutator.Export();
        return context?.ArchitectureBudget is { } budget ? BudgetedArgmax.Fit(Mutator.SearchSpace, architecture, Mutator.Weights(), budget) : architecture;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        architectureOptimizer?.Dispose();
        mutator?.Dispose();
        weightPart?.Dispose();
        architecturePart?.Dispose();
    }

    private static InvalidOperationException NotAttached() => new("The ProxylessNAS strategy is not attached to a trainer yet.");
}
