using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// What <see cref="OneShotTrainer"/> offers its strategy: the model, device, data, the weights' optimizer, loss and
/// metric, seeded resumable batch streams, gradient clipping, evaluation and logging.
/// </summary>
public sealed class OneShotContext
{
    private readonly Dictionary<string, BatchStream> streams = new(StringComparer.Ordinal);
    private readonly Func<Tensor, Tensor, Tensor> loss;
    private readonly Func<Tensor, Tensor, Tensor> evaluationLoss;
    private readonly Func<Tensor, Tensor, double> metric;
    private readonly Runtime.NativeMemoryGuard? memoryGuard;
    private readonly Runtime.DroppedObjectsPacer? droppedObjects;

    internal OneShotContext(nn.Module<Tensor, Tensor> model, TrainingEnvironment environment, OneShotTrainerOptions options, TensorDataset trainData,
        TensorDataset? validData, IParameterOptimizer weightOptimizer, ArchitectureBudget? budget = null)
    {
        ArchitectureBudget = budget;
        Model = model;
        Environment = environment;
        Options = options;
        Epochs = options.Epochs;
        TrainData = trainData;
        ValidData = validData;
        WeightOptimizer = weightOptimizer;
        double smoothing = options.LabelSmoothing;
        evaluationLoss = options.Loss ?? ((logits, labels) => nn.functional.cross_entropy(logits, labels));
        loss = smoothing > 0 ? (logits, labels) => nn.functional.cross_entropy(logits, labels, label_smoothing: smoothing) : evaluationLoss;
        metric = options.Metric ?? Metrics.Accuracy;
        memoryGuard = options.ReleaseFreedMemory ? new Runtime.NativeMemoryGuard(options.FreedMemorySlack) : null;
        droppedObjects = options.ReleaseFreedMemory ? new Runtime.DroppedObjectsPacer() : null;
    }

    /// <summary>The network being searched (the supernet).</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The device, threads, seed, cancellation, progress and log of the loop.</summary>
    public TrainingEnvironment Environment { get; }

    /// <summary>Where the model and data live.</summary>
    public Device Device => Environment.Device;

    /// <summary>The loop's settings (read the environment's values from <see cref="Environment"/>).</summary>
    public OneShotTrainerOptions Options { get; }

    /// <summary>
    /// The epochs this training runs: <see cref="OneShotTrainerOptions.Epochs"/>, or under a time budget
    /// (<see cref="OneShotTrainerOptions.TimeBudget"/>) the count that fits, known once the first epoch's steps are timed
    /// and lowered when the run falls behind. Schedules along the epochs (the learning rate, drop-path) read this.
    /// </summary>
    public int Epochs { get; internal set; }

    /// <summary>Training data on <see cref="Device"/> (what remains after a validation split).</summary>
    public TensorDataset TrainData { get; }

    /// <summary>Validation data on <see cref="Device"/>, when any.</summary>
    public TensorDataset? ValidData { get; }

    /// <summary>
    /// The optimizer of the model's parameters (<see cref="OneShotTrainerOptions.WeightOptimizer"/>: SGD unless set);
    /// the loop sets its learning rate before every step (<see cref="OneShotTrainer.LearningRateAt"/>).
    /// </summary>
    public IParameterOptimizer WeightOptimizer { get; }

    /// <summary>
    /// Marks the end of a training pass. When <see cref="OneShotTrainerOptions.ReleaseFreedMemory"/> is set, the
    /// native memory of the TorchSharp objects the pass dropped is freed (<see cref="Runtime.DroppedTorchObjects"/>, at
    /// a pace that keeps it within 5% of the time: <see cref="Runtime.DroppedObjectsPacer"/>), and on the CPU the C
    /// heap's freed pages go back to the operating system if resident memory has outgrown the footprint measured after
    /// the last release by more than the slack (<see cref="Runtime.NativeMemoryGuard"/>). Strategies call it between
    /// the passes of a step, once the tensors of the finished pass are disposed; the loop calls it after every step.
    /// </summary>
    public void ReleaseFreedMemory()
    {
        droppedObjects?.AfterPass();
        // On CUDA, activations live in libtorch's caching allocator, not in the C heap: there is nothing for malloc_trim
        // to hand back (and TorchSharp 0.107 has no empty_cache). Freeing dropped objects matters there too: an
        // undisposed tensor's device memory stays taken until its finalizer runs.
        if (memoryGuard is not null && Device.type == DeviceType.CPU)
        {
            memoryGuard.AfterPass();
        }
    }

    /// <summary>
    /// The options' <see cref="OneShotTrainerOptions.MaxParameters"/> and <see cref="OneShotTrainerOptions.MaxLatency"/>
    /// with how to count and time an architecture; null without a budget.
    /// </summary>
    internal ArchitectureBudget? ArchitectureBudget { get; }

    /// <summary>Whether the loop plans its epochs by a time budget (its options' own or a Fit's share), so work after the last epoch runs past it.</summary>
    internal bool TimeBudgeted { get; init; }

    /// <summary>The guard behind <see cref="ReleaseFreedMemory"/>; null when the option is off.</summary>
    internal Runtime.NativeMemoryGuard? MemoryGuard => memoryGuard;

    /// <summary>The current epoch, from 0.</summary>
    public int Epoch { get; internal set; }

    /// <summary>The weights' learning rate of the current step.</summary>
    public double LearningRate => WeightOptimizer.LearningRate;

    /// <summary>The streams created so far, by name (their positions go into checkpoints).</summary>
    public IReadOnlyDictionary<string, BatchStream> Streams => streams;

    /// <summary>
    /// Creates a resumable stream of shuffled batches over <paramref name="data"/>; its shuffles are seeded by the
    /// environment's seed and <paramref name="name"/>, and its position is saved in checkpoints under that name.
    /// </summary>
    /// <exception cref="ArgumentException">A stream of that name exists already.</exception>
    public BatchStream CreateStream(string name, TensorDataset data, int? batchSize = null, bool shuffle = true, bool dropLast = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(data);
        if (streams.ContainsKey(name))
        {
            throw new ArgumentException($"A batch stream named '{name}' exists already.", nameof(name));
        }
        int size = batchSize ?? Options.BatchSize;
        var sampler = new BatchSampler(data.Count, (int)Math.Min(size, data.Count), shuffle, dropLast, Environment.Seed ^ StableHash(name));
        var stream = new BatchStream(name, data, sampler);
        streams.Add(name, stream);
        return stream;
    }

    /// <summary>
    /// The training loss of <paramref name="logits"/> against <paramref name="labels"/>: cross-entropy, with the
    /// options' <see cref="OneShotTrainerOptions.LabelSmoothing"/>, unless <see cref="OneShotTrainerOptions.Loss"/> is set.
    /// </summary>
    public Tensor Loss(Tensor logits, Tensor labels) => loss(logits, labels);

    /// <summary>The metric of <paramref name="logits"/> against <paramref name="labels"/> (top-1 accuracy unless set).</summary>
    public double Metric(Tensor logits, Tensor labels) => metric(logits, labels);

    /// <summary>
    /// Forward and loss of a training batch; when the model has an auxiliary head and <paramref name="auxiliaryWeight"/>
    /// is above 0, adds that weight times the auxiliary loss. Returns the loss and the main logits.
    /// </summary>
    public (Tensor Loss, Tensor Logits) ForwardLoss(TensorBatch batch, double auxiliaryWeight = 0) =>
        ForwardLoss(Model, batch, auxiliaryWeight, loss);

    /// <summary>
    /// One step of the weights on <paramref name="batch"/> under the current decisions: zero the gradients, forward and
    /// loss (<see cref="ForwardLoss(TensorBatch, double)"/>), backward, <see cref="ClipWeightGradients"/>, optimizer step. Returns the loss
    /// and the metric of the batch.
    /// </summary>
    public StepResult TrainWeights(TensorBatch batch, double auxiliaryWeight = 0)
    {
        WeightOptimizer.ZeroGrad();
        var (loss, logits) = ForwardLoss(batch, auxiliaryWeight);
        loss.backward();
        ClipWeightGradients();
        WeightOptimizer.Step();
        return new StepResult(loss.item<float>(), Metric(logits, batch.Labels));
    }

    /// <summary>
    /// Clips the gradient norm of the model's weights to the options' <see cref="OneShotTrainerOptions.GradientClip"/>,
    /// and stops the run when that norm is not finite, before the optimizer could write NaN into the weights.
    /// </summary>
    /// <exception cref="NonFiniteTrainingException">The gradient norm is NaN or infinite.</exception>
    public void ClipWeightGradients()
    {
        if (Options.GradientClip > 0)
        {
            // libtorch's clip_grad_norm_ reads the total norm back to the host already, so checking it is free.
            double norm = nn.utils.clip_grad_norm_(WeightOptimizer.Parameters, Options.GradientClip);
            NonFiniteTrainingException.ThrowIfNotFinite(norm, "weight gradient norm");
        }
    }

    /// <summary>
    /// Mean loss and metric of the model over <paramref name="data"/>, in evaluation mode without gradients; the loss is
    /// the plain cross-entropy (no label smoothing) unless <see cref="OneShotTrainerOptions.Loss"/> is set.
    /// </summary>
    public EvaluationResult Evaluate(TensorDataset data, int? batchSize = null) =>
        Evaluation.Run(Model, data, batchSize ?? Options.BatchSize, evaluationLoss, metric, Environment.CancellationToken);

    /// <summary>As <see cref="Evaluate(TensorDataset, int?)"/>, with <paramref name="metric"/> in place of the options' metric.</summary>
    internal EvaluationResult Evaluate(TensorDataset data, Func<Tensor, Tensor, double> metric) =>
        Evaluation.Run(Model, data, Options.BatchSize, evaluationLoss, metric, Environment.CancellationToken);

    /// <summary>Writes a line to the environment's log.</summary>
    public void Log(string message) => Environment.Log?.Invoke(message);

    internal static (Tensor Loss, Tensor Logits) ForwardLoss(nn.Module<Tensor, Tensor> model, TensorBatch batch, double auxiliaryWeight, Func<Tensor, Tensor, Tensor> loss)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (auxiliaryWeight > 0 && model is IAuxiliaryHeadModel { HasAuxiliaryHead: true } auxiliary)
        {
            var (logits, aux) = auxiliary.ForwardWithAuxiliary(batch.Features);
            var main = loss(logits, batch.Labels);
            return (aux is null ? main : main + auxiliaryWeight * loss(aux, batch.Labels), logits);
        }
        var output = model.call(batch.Features);
        return (loss(output, batch.Labels), output);
    }

    // FNV-1a: string.GetHashCode differs between processes, and a resumed run must shuffle as the first did.
    private static long StableHash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return (long)(hash & 0x7FFF_FFFF_FFFF_FFFF);
    }
}
