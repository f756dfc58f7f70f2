using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Pdarts;

/// <summary>
/// P-DARTS search (Chen et al., arXiv 1904.12760; NNI v1.9's <c>PdartsTrainer</c>): the stages of
/// <see cref="PdartsTrainerOptions.Stages"/> run one after another, each a DARTS search (first order) of a fresh supernet
/// from the model factory at the stage's depth (<see cref="PdartsStage.LayersFrom"/>), with fresh weights and fresh
/// alphas over the candidates the earlier stages kept; the others are removed from the supernet and never run. After a
/// stage, each LayerChoice drops its <see cref="PdartsStage.OpsToDrop"/> candidates with the lowest alphas. The export
/// is the last stage's DARTS export in the space's own candidate indices, within the skip-connection limit and
/// <see cref="OneShotTrainerOptions.MaxParameters"/>.
/// </summary>
/// <remarks>
/// <para>The model factory (NNI's <c>model_creator(layers)</c>) builds a supernet of a given depth; every depth must
/// have the same decision keys, as a <c>DartsNetwork</c>'s cells of a type share theirs. The trainer owns and disposes
/// the models it builds. Torch's generator is seeded with seed + stage before each build.</para>
/// <para>Checkpoints (<see cref="OneShotTrainerOptions.CheckpointDirectory"/>): <c>pdarts.json</c> holds the stage and
/// the kept candidates, and the folder <c>stage-N</c> each stage's own loop checkpoint, written after every epoch;
/// <see cref="Resume"/> continues mid-stage exactly as an uninterrupted run.</para>
/// <para>History records are numbered across the stages and carry "stage" (from 1) and "skip_dropout" in their values.</para>
/// </remarks>
public sealed class PdartsTrainer : IDisposable
{
    private const string StateFile = "pdarts.json";

    private readonly Func<int, nn.Module<Tensor, Tensor>> modelFactory;
    private readonly TrainingEnvironment environment;
    private readonly TensorDataset trainData;
    private readonly TensorDataset? validData;
    private readonly (TimeSpan Length, int MaxEpochs)? budget;
    private readonly nn.Module<Tensor, Tensor>? budgetModel;
    private readonly bool ownsBudgetModel;
    private readonly string optionPath;
    private readonly ModelSearchSpace initialSpace;
    private readonly Dictionary<string, bool[]> normalCellSkips;
    private readonly List<EpochRecord> finished = [];
    private readonly Stopwatch clock = new();
    private Dictionary<string, bool[]> kept;
    private nn.Module<Tensor, Tensor>? model;
    private OneShotTrainer? loop;
    private bool disposed;

    /// <summary>
    /// Prepares a search whose stage s trains <paramref name="modelFactory"/>(depth of s), the depths grown from
    /// <paramref name="initialLayers"/> by the options' stages; builds the first stage's supernet now.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An option is missing or out of range (named), the models have no LayerChoice, a stage drops every candidate of
    /// one, or a depth's model has other decision keys than the first.
    /// </exception>
    public PdartsTrainer(Func<int, nn.Module<Tensor, Tensor>> modelFactory, int initialLayers, PdartsTrainerOptions options)
        : this(modelFactory, initialLayers, Checked(options), TrainingEnvironment.From(options), options.TrainData!, options.ValidData,
            options.TimeBudget is { } length ? new TimeBudget(length, options.Epochs) : null)
    {
    }

    /// <summary>
    /// A search in an environment and on data its caller resolved (an ML.NET Fit), under <paramref name="budget"/> (the
    /// search's share of a Fit's) when given; <paramref name="budgetModel"/> is the network whose size
    /// <see cref="OneShotTrainerOptions.MaxParameters"/> and <see cref="OneShotTrainerOptions.MaxLatency"/> bound (by default the factory's at the initial depth).
    /// </summary>
    internal PdartsTrainer(Func<int, nn.Module<Tensor, Tensor>> modelFactory, int initialLayers, PdartsTrainerOptions options,
        TrainingEnvironment environment, TensorDataset trainData, TensorDataset? validData, TimeBudget? budget,
        nn.Module<Tensor, Tensor>? budgetModel = null, string optionPath = "")
    {
        ArgumentNullException.ThrowIfNull(modelFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialLayers);
        this.modelFactory = modelFactory;
        InitialLayers = initialLayers;
        Options = options;
        this.environment = environment;
        this.trainData = trainData;
        this.validData = validData;
        this.budget = budget is null ? null : (budget.Length, budget.MaxEpochs);
        this.optionPath = optionPath;
        var probe = Build(0);
        try
        {
            initialSpace = ModelSearchSpace.Of(probe);
            var choices = initialSpace.Decisions.Where(d => d.Kind == MutableKind.LayerChoice).ToList();
            if (choices.Count == 0)
            {
                throw new ArgumentException("P-DARTS needs at least one LayerChoice in the model to learn alphas for.", nameof(modelFactory));
            }
            CheckDrops(choices);
            // Every depth is built once now, so that a factory whose depths differ fails before hours of training.
            for (int stage = 1; stage < options.Stages.Count; stage++)
            {
                using var deeper = Build(stage);
                CheckSameDecisions(ModelSearchSpace.Of(deeper), stage);
            }
            // Read before any candidate is dropped: a normal cell is told apart by its candidates.
            normalCellSkips = PdartsStrategy.NormalCellSkips(initialSpace);
            kept = choices.ToDictionary(d => d.Key, d => Enumerable.Repeat(true, d.CandidateCount).ToArray(), StringComparer.Ordinal);
        }
        catch
        {
            probe.Dispose();
            throw;
        }
        // The budget bounds the network the architecture is retrained as: the space as given (or the caller's).
        if (budgetModel is null && (options.MaxParameters is not null || options.MaxLatency is not null))
        {
            this.budgetModel = probe;
            ownsBudgetModel = true;
        }
        else
        {
            this.budgetModel = budgetModel;
            probe.Dispose();
        }
        try
        {
            StartStage(0);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The settings.</summary>
    public PdartsTrainerOptions Options { get; }

    /// <summary>The depth the model factory is given for the first stage's depth ratio 1.</summary>
    public int InitialLayers { get; }

    /// <summary>The stage running or about to run, from 0 (the last once the search is done).</summary>
    public int Stage { get; private set; }

    /// <summary>The depth of stage <paramref name="stage"/> (from 0).</summary>
    public int LayersOf(int stage) => Options.Stages[stage].LayersFrom(InitialLayers);

    /// <summary>Per LayerChoice key, the candidates the current stage searches (the space's indices; true = kept).</summary>
    public IReadOnlyDictionary<string, bool[]> KeptCandidates => kept;

    /// <summary>The current stage's supernet.</summary>
    public nn.Module<Tensor, Tensor> Model => model ?? throw NoStage();

    /// <summary>The current stage's mutator (its alphas and skip dropout).</summary>
    public PdartsMutator Mutator => Strategy.Mutator;

    /// <summary>The current stage's loop (its context, device and history).</summary>
    public OneShotTrainer Loop => loop ?? throw NoStage();

    /// <summary>One record per finished epoch of every stage, numbered across the stages.</summary>
    public IReadOnlyList<EpochRecord> History => [.. finished, .. Renumbered(loop?.History ?? [], finished.Count)];

    private PdartsStrategy Strategy => (PdartsStrategy)Loop.Strategy;

    /// <summary>
    /// Runs what is left of the stages, dropping the weakest candidates after each but the last; returns the history.
    /// </summary>
    /// <exception cref="OperationCanceledException">The options' token was cancelled (checked between steps).</exception>
    public IReadOnlyList<EpochRecord> Train()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        clock.Start();
        try
        {
            while (true)
            {
                SaveState();
                Loop.Train();
                if (Stage == Options.Stages.Count - 1)
                {
                    return History;
                }
                var next = KeepStrongest(Mutator.Weights(), kept, Options.Stages[Stage].OpsToDrop);
                environment.Log?.Invoke($"P-DARTS: stage {Stage + 1} dropped {Options.Stages[Stage].OpsToDrop} op(s) per edge; stage {Stage + 2} searches " +
                    string.Join("; ", next.Select(p => $"{p.Key}: {string.Join(", ", Kept(p.Key, p.Value))}")) + ".");
                finished.AddRange(Renumbered(Loop.History, finished.Count));
                EndStage();
                kept = next;
                StartStage(Stage + 1);
            }
        }
        finally
        {
            clock.Stop();
        }
    }

    /// <summary>
    /// The current stage's architecture: DARTS's export over its kept candidates, in the space's candidate indices (so it
    /// applies to the space as given), within <see cref="PdartsTrainerOptions.MaxSkipConnectionsPerNormalCell"/> and
    /// <see cref="OneShotTrainerOptions.MaxParameters"/>.
    /// </summary>
    public Architecture Export() => Loop.Export();

    /// <summary>Writes <see cref="Export()"/> to <paramref name="path"/> (NNI's JSON) and returns it.</summary>
    public Architecture Export(string path) => Loop.Export(path);

    /// <summary>
    /// Restores the checkpoint in <paramref name="directory"/> (written by a trainer with the same factory and options):
    /// the stage, its kept candidates and, when the stage had finished an epoch, its loop; <see cref="Train"/> then
    /// continues as an uninterrupted run would.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder holds no P-DARTS checkpoint.</exception>
    /// <exception cref="InvalidDataException">The checkpoint does not fit these options or this model.</exception>
    public void Resume(string directory)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string path = Path.Combine(directory, StateFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{directory}' holds no P-DARTS checkpoint: '{StateFile}' is missing.", path);
        }
        var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"'{path}' holds no P-DARTS state.");
        if (state.Kept is null || state.Stage < 0 || state.Stage >= Options.Stages.Count)
        {
            throw new InvalidDataException($"'{path}' is at stage {state.Stage + 1} (kept candidates {(state.Kept is null ? "missing" : "present")}), but the options have {Options.Stages.Count} stages.");
        }
        foreach (var (key, mask) in kept)
        {
            if (!state.Kept.TryGetValue(key, out var saved) || saved.Length != mask.Length || !saved.Contains(true))
            {
                throw new InvalidDataException($"'{path}' holds no valid kept candidates for '{key}' ({mask.Length} candidates).");
            }
        }
        var earlier = new List<EpochRecord>();
        for (int stage = 0; stage < state.Stage; stage++)
        {
            earlier.AddRange(Renumbered(OneShotCheckpoint.ReadHistory(StageDirectory(directory, stage)), earlier.Count));
        }
        EndStage();
        finished.Clear();
        finished.AddRange(earlier);
        kept = state.Kept.Where(p => kept.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        StartStage(state.Stage);
        string stageDirectory = StageDirectory(directory, state.Stage);
        if (OneShotCheckpoint.Exists(stageDirectory))
        {
            Loop.Resume(stageDirectory);
        }
        environment.Log?.Invoke($"P-DARTS: resumed from '{directory}' in stage {Stage + 1} after its epoch {Loop.CompletedEpochs}.");
    }

    /// <summary>Frees the current stage's supernet, loop and alphas.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        EndStage();
        if (ownsBudgetModel)
        {
            budgetModel?.Dispose();
        }
    }

    /// <summary>
    /// Per key of <paramref name="kept"/>, the kept candidates less the <paramref name="drop"/> with the lowest
    /// <paramref name="weights"/> (ties: the earlier candidate goes first, as NNI's stable sort); "none" (a weight
    /// beyond the candidates) is never dropped.
    /// </summary>
    internal static Dictionary<string, bool[]> KeepStrongest(IReadOnlyDictionary<string, float[]> weights, IReadOnlyDictionary<string, bool[]> kept, int drop)
    {
        var next = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        foreach (var (key, mask) in kept)
        {
            var w = weights[key];
            var keep = (bool[])mask.Clone();
            foreach (int index in Enumerable.Range(0, mask.Length).Where(i => mask[i]).OrderBy(i => w[i]).ThenBy(i => i).Take(drop))
            {
                keep[index] = false;
            }
            next[key] = keep;
        }
        return next;
    }

    private static PdartsTrainerOptions Checked(PdartsTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.TrainData is null)
        {
            throw new ArgumentException($"{nameof(options.TrainData)} is required.", nameof(options.TrainData));
        }
        return options;
    }

    private static IEnumerable<EpochRecord> Renumbered(IEnumerable<EpochRecord> records, int offset) =>
        records.Select(r => r with { Epoch = offset + r.Epoch });

    private static string StageDirectory(string directory, int stage) => Path.Combine(directory, $"stage-{stage + 1}");

    private IEnumerable<string> Kept(string key, bool[] mask) => Enumerable.Range(0, mask.Length).Where(i => mask[i]).Select(i => initialSpace[key].CandidateNames[i]);

    // Every drop must leave an op on every edge, NNI's last included (7 ops: 7 → 4 → 2 → 1).
    private void CheckDrops(IReadOnlyList<DecisionInfo> choices)
    {
        int dropped = 0;
        for (int stage = 0; stage < Options.Stages.Count; stage++)
        {
            dropped += Options.Stages[stage].OpsToDrop;
            var emptied = choices.FirstOrDefault(d => d.CandidateCount - dropped < 1);
            if (emptied is not null)
            {
                string option = $"{optionPath}{nameof(PdartsTrainerOptions.Stages)}[{stage}].{nameof(PdartsStage.OpsToDrop)}";
                throw new ArgumentOutOfRangeException(option, Options.Stages[stage].OpsToDrop,
                    $"{option}: after stage {stage + 1}, '{emptied.Key}' would keep {Math.Max(0, emptied.CandidateCount - dropped)} of its " +
                    $"{emptied.CandidateCount} candidates; the stages may drop {emptied.CandidateCount - 1} in all.");
            }
        }
    }

    private nn.Module<Tensor, Tensor> Build(int stage)
    {
        int layers = LayersOf(stage);
        TorchRuntime.ManualSeed(unchecked(environment.Seed + stage));
        return modelFactory(layers) ?? throw new ArgumentException($"The model factory returned no model for {layers} layers.", nameof(modelFactory));
    }

    // Written when a stage starts training: a resume then rebuilds that stage with the same kept candidates.
    private void SaveState()
    {
        if (Options.CheckpointDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            AtomicFile.Write(Path.Combine(directory, StateFile), path => File.WriteAllText(path, JsonSerializer.Serialize(new CheckpointState(Stage, kept))));
        }
    }

    private void StartStage(int stage)
    {
        Stage = stage;
        var stageModel = Build(stage);
        try
        {
            var space = ModelSearchSpace.Of(stageModel);
            CheckSameDecisions(space, stage);
            foreach (var decision in space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice && kept[d.Key].Contains(false)))
            {
                foreach (var choice in decision.Mutables.OfType<LayerChoice>())
                {
                    choice.DropCandidates(kept[decision.Key]);
                }
            }
            var strategy = new PdartsStrategy(Options, stage, stage == 0 ? null : kept, normalCellSkips);
            int offset = finished.Count;
            var progress = environment.Progress is { } inner ? new StageProgress(inner, offset, (Options.Stages.Count - stage - 1) * Options.Epochs) : null;
            loop = new OneShotTrainer(stageModel, strategy, Options, environment.WithProgress(progress), trainData, validData, StageBudget(stage),
                budgetModel, optionPath, Options.CheckpointDirectory is { } root ? StageDirectory(root, stage) : null);
            model = stageModel;
            environment.Log?.Invoke($"P-DARTS: stage {stage + 1} of {Options.Stages.Count} searches {LayersOf(stage)} layers.");
        }
        catch
        {
            loop?.Dispose();
            loop = null;
            stageModel.Dispose();
            throw;
        }
    }

    private void EndStage()
    {
        loop?.Dispose();
        loop = null;
        model?.Dispose();
        model = null;
    }

    // Each stage gets an equal share of the time left when it starts; the last one all that is left.
    private TimeBudget? StageBudget(int stage)
    {
        if (budget is not { } whole)
        {
            return null;
        }
        var left = whole.Length - clock.Elapsed;
        var share = left / (Options.Stages.Count - stage);
        return new TimeBudget(share > TimeSpan.Zero ? share : TimeSpan.FromTicks(1), whole.MaxEpochs);
    }

    private void CheckSameDecisions(ModelSearchSpace space, int stage)
    {
        var expected = initialSpace.Decisions.Select(d => $"{d.Key} ({d.Kind} of {d.CandidateCount})").ToHashSet(StringComparer.Ordinal);
        var found = space.Decisions.Select(d => $"{d.Key} ({d.Kind} of {d.CandidateCount})").ToHashSet(StringComparer.Ordinal);
        if (!expected.SetEquals(found))
        {
            string differences = string.Join(", ", found.Except(expected).Select(d => "+" + d).Concat(expected.Except(found).Select(d => "-" + d)).Take(6));
            throw new ArgumentException(
                $"P-DARTS stage {stage + 1} ({LayersOf(stage)} layers) has other decisions than the first stage ({LayersOf(0)} layers): {differences}. " +
                "Every depth must have the same decision keys (the cells of a type sharing theirs, as in DartsNetwork).", nameof(modelFactory));
        }
    }

    private static InvalidOperationException NoStage() => new("The P-DARTS trainer has no stage: it was disposed, or its last stage failed to start.");

    /// <summary>What <c>pdarts.json</c> holds: the stage (from 0) and, per LayerChoice key, the candidates it searches.</summary>
    private sealed record CheckpointState(int Stage, Dictionary<string, bool[]> Kept);

    /// <summary>A stage's progress reported with the epochs numbered across the stages.</summary>
    private sealed class StageProgress(IProgress<OneShotProgress> inner, int offset, int laterEpochs) : IProgress<OneShotProgress>
    {
        public void Report(OneShotProgress value) => inner.Report(value with
        {
            Epoch = offset + value.Epoch,
            Epochs = offset + value.Epochs + laterEpochs,
            Completed = value.Completed is { } record ? record with { Epoch = offset + record.Epoch } : null,
        });
    }
}
