using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// ENAS's mutator (NNI's <c>EnasMutator</c>): an LSTM controller (<see cref="Controller"/>) that samples every decision
/// of the model in registration order, each conditioned on the ones before. A LayerChoice is sampled from the softmax
/// head of its size and feeds its embedding to the next step; an InputChoice is sampled by attention over the anchors
/// of the scopes its inputs come from (one input for nChosen = 1, k distinct inputs drawn in turn for nChosen = k, an
/// independent keep/skip draw per input for any subset).
/// Leaving a <see cref="MutableScope"/> stores the LSTM state as that scope's anchor.
/// </summary>
/// <remarks>
/// <para>Each <see cref="Reset"/> samples an architecture and keeps its <see cref="SampleLogProbability"/>,
/// <see cref="SampleEntropy"/> and <see cref="SampleSkipPenalty"/> for a REINFORCE update. Sample under
/// <c>torch.no_grad()</c> when only the architecture is needed (training the shared weights).</para>
/// <para>LayerChoices of one size share a head, as NNI's one head serves them all; a space with several sizes gets a
/// head per size (<see cref="EnasController"/>), and one whose LayerChoices all have the same size is NNI's controller,
/// weight for weight. A key shared by several mutables is one decision, sampled once.</para>
/// <para>Departures from NNI v1, each towards the ENAS paper's code: the start input <c>g_emb</c> is trained (NNI
/// detaches it); inputs without a key get an anchor per position (NNI gives them one anchor, so the attention cannot
/// tell them apart); stacked LSTM layers feed each other their hidden state.</para>
/// </remarks>
public sealed class EnasMutator : Mutator
{
    private readonly EnasMutatorOptions options;
    private readonly SamplerRandom random;
    private readonly Dictionary<string, float[]> branchBiases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> branchBiasTensors = new(StringComparer.Ordinal);
    private Tensor? logProbability;
    private Tensor? entropy;
    private Tensor? skipPenalty;

    /// <summary>Binds a new controller to <paramref name="model"/> and samples a first architecture (without gradients).</summary>
    /// <param name="model">The supernet.</param>
    /// <param name="options">The controller's hyperparameters; null for NNI's defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public EnasMutator(nn.Module model, EnasMutatorOptions? options = null)
        : base(model)
    {
        this.options = (options ?? new EnasMutatorOptions()).Clone();
        this.options.Validate();
        var candidates = Decisions.Where(d => d.Kind == MutableKind.LayerChoice).Select(d => d.CandidateCount).Distinct().ToList();
        foreach (var decision in Decisions.Where(d => d.Kind == MutableKind.LayerChoice && d.Key.Contains("reduce", StringComparison.Ordinal)))
        {
            branchBiases[decision.Key] = BranchBias(decision, this.options.BranchBias);
        }
        Controller = new EnasController(this.options.LstmSize, this.options.LstmLayers, candidates, this.options.Seed);
        random = SamplerRandom.FromSeed(this.options.Seed);
        using (no_grad())
        {
            Reset();
        }
    }

    /// <summary>The controller's weights (move it with <c>Controller.to(device)</c>; optimize its <c>parameters()</c>).</summary>
    internal EnasController Controller { get; }

    /// <summary>A copy of the options the controller was built with.</summary>
    public EnasMutatorOptions Options => options.Clone();

    /// <summary>Σ log p of the last sample's choices: a scalar in the controller's graph when it was sampled with gradients on.</summary>
    public Tensor SampleLogProbability => logProbability ?? throw NotSampled();

    /// <summary>The last sample's entropy term, Σ −p·log p over its choices (as the ENAS paper's code computes it); no gradient.</summary>
    public Tensor SampleEntropy => entropy ?? throw NotSampled();

    /// <summary>The last sample's skip penalty, Σ KL(keep probability ‖ [1 − target, target]) over any-subset InputChoices.</summary>
    public Tensor SampleSkipPenalty => skipPenalty ?? throw NotSampled();

    /// <summary>The position of the sampling stream: save it with a checkpoint and set it back to resume the same draws.</summary>
    public ulong SamplerState
    {
        get => random.State;
        set => random.State = value;
    }

    /// <summary>Samples a new architecture from the controller.</summary>
    public override void Reset()
    {
        var chosen = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        using var threads = new OneIntraOpThread();
        using (var scope = NewDisposeScope())
        {
            var sampling = new ControllerSampling(Controller, options, random);
            foreach (var root in SearchSpace.Roots)
            {
                Visit(root, sampling, chosen);
            }
            Replace(ref logProbability, sampling.LogProbability);
            Replace(ref entropy, sampling.Entropy);
            Replace(ref skipPenalty, sampling.SkipPenalty);
        }
        foreach (var (key, mask) in chosen)
        {
            using var decision = tensor(mask);
            SetDecision(key, decision);
        }
    }

    /// <summary>
    /// The architecture the controller finds most likely, decision by decision (the likeliest choice given those before
    /// it), with the log-probability of that sample and the number of decisions. Draws nothing: the sampling stream and
    /// the current decisions stay as they were.
    /// </summary>
    internal (Architecture Architecture, double LogProbability, int Decisions, double PoolOrSkipShare) MostLikely()
    {
        var chosen = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        using var threads = new OneIntraOpThread();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sampling = new ControllerSampling(Controller, options, random, mostLikely: true);
        foreach (var root in SearchSpace.Roots)
        {
            Visit(root, sampling, chosen);
        }
        var architecture = ArchitectureResolver.Describe(SearchSpace, d => tensor(chosen[d.Key]));
        return (architecture, sampling.LogProbability.ToDouble(), sampling.Decisions, SearchSpace.PoolOrSkipShare(key => chosen[key]));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            logProbability?.Dispose();
            entropy?.Dispose();
            skipPenalty?.Dispose();
            foreach (var bias in branchBiasTensors.Values)
            {
                bias.Dispose();
            }
            branchBiasTensors.Clear();
            Controller.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Visit(MutableNode node, ControllerSampling sampling, Dictionary<string, bool[]> chosen)
    {
        var key = node.Mutable.Key;
        switch (node.Mutable.Kind)
        {
            case MutableKind.LayerChoice when !chosen.ContainsKey(key):
                chosen[key] = sampling.SampleLayerChoice(SearchSpace[key], BiasTensor(key));
                break;
            case MutableKind.InputChoice when !chosen.ContainsKey(key):
                chosen[key] = sampling.SampleInputChoice(SearchSpace[key]);
                break;
        }
        foreach (var child in node.Children)
        {
            Visit(child, sampling, chosen);
        }
        if (node.Mutable.Kind == MutableKind.Scope)
        {
            sampling.ExitScope(key);
        }
    }

    private Tensor? BiasTensor(string key)
    {
        if (!branchBiases.TryGetValue(key, out var values))
        {
            return null;
        }
        var device = Controller.Device;
        if (!branchBiasTensors.TryGetValue(key, out var bias) || bias.device != device)
        {
            bias?.Dispose();
            bias = tensor(values, device: device).view(1, -1).DetachFromDisposeScope();
            branchBiasTensors[key] = bias;
        }
        return bias;
    }

    private static void Replace(ref Tensor? field, Tensor value)
    {
        field?.Dispose();
        field = value.DetachFromDisposeScope();
    }

    private static float[] BranchBias(DecisionInfo decision, double bias)
    {
        var layerChoice = (LayerChoice)decision.Mutables[0];
        return decision.CandidateNames
            .Select((name, i) => IsConvolution(name, layerChoice.Candidates[i]) ? (float)bias : (float)-bias)
            .ToArray();
    }

    private static bool IsConvolution(string name, nn.Module candidate)
        => name.Contains("conv", StringComparison.OrdinalIgnoreCase) || candidate.GetType().Name.Contains("conv", StringComparison.OrdinalIgnoreCase);

    private InvalidOperationException NotSampled() => new($"{nameof(EnasMutator)} has not sampled yet: call Reset().");
}
