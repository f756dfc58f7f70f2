using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Proxyless;

/// <summary>
/// ProxylessNAS's binary gates (Cai et al. 2019, arXiv 1812.00332; NNI v1.9 <c>proxylessnas/</c>): one vector of
/// path weights α per LayerChoice key. For a weight step, <see cref="SampleSinglePath"/> draws one candidate from
/// softmax(α) and only it runs. For an architecture step, <see cref="SampleTwoPaths"/> draws two distinct candidates
/// from softmax(α) and one of them, the active one, from the softmax of their two weights; the forward runs both
/// under gates g (1 on the active, 0 on the other; the inactive one without a graph, so the backward and the memory are
/// a single path's), so the output is the active path's and ∂L/∂g_j = ⟨∂L/∂y, o_j⟩;
/// <see cref="SetArchitectureGradients"/> then gives α the paper's estimate ∂L/∂α_i = Σ_j ∂L/∂g_j · p_j (δ_ij − p_i),
/// p the softmax over the two. After the optimizer steps, <see cref="RescaleSampledWeights"/> shifts the two updated
/// weights so that their log-sum-exp is what it was, leaving the probabilities of the others unchanged, as NNI does.
/// Export: the argmax of α.
/// </summary>
/// <remarks>
/// Only LayerChoices are searched, as in NNI v1.9: a model with an InputChoice is refused. The draws come from a
/// host stream whose state a checkpoint saves.
/// </remarks>
public sealed class ProxylessMutator : Mutator
{
    private readonly Dictionary<string, Parameter> alphas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int First, int Second, int Active, Tensor Gates)> pairs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> beforeStep = new(StringComparer.Ordinal);
    private readonly SamplerRandom random;

    /// <summary>Binds to <paramref name="model"/> and creates its path weights (1e-3·N(0,1), torch's generator).</summary>
    /// <exception cref="ArgumentException">The model has an InputChoice, or no LayerChoice.</exception>
    public ProxylessMutator(nn.Module model, int seed = 0)
        : base(model)
    {
        if (Decisions.FirstOrDefault(d => d.Kind == MutableKind.InputChoice) is { } input)
        {
            throw new ArgumentException(
                $"ProxylessNAS searches LayerChoices only (as NNI v1.9 does); the model has InputChoice '{input.Key}'. Search it with ENAS, DARTS, Random or SPOS.", nameof(model));
        }
        if (Decisions.Count == 0)
        {
            throw new ArgumentException("ProxylessNAS needs at least one LayerChoice in the model.", nameof(model));
        }
        var first = model.parameters().FirstOrDefault();
        var device = first?.device ?? CPU;
        using var scope = NewDisposeScope();
        foreach (var decision in Decisions)
        {
            var alpha = (randn(decision.CandidateCount) * 1e-3).to(device);
            alphas.Add(decision.Key, new Parameter(alpha.DetachFromDisposeScope(), requires_grad: true));
        }
        random = SamplerRandom.FromSeed(seed);
        SampleSinglePath();
    }

    /// <summary>The path weights in decision order: what the architecture optimizer updates.</summary>
    public IReadOnlyList<Parameter> ArchitectureParameters => [.. Decisions.Select(d => alphas[d.Key])];

    /// <summary>The position of the sampling stream: save it with a checkpoint and set it back to resume the same draws.</summary>
    public ulong SamplerState
    {
        get => random.State;
        set => random.State = value;
    }

    /// <summary>Draws one path per key (a weight step's); the same as <see cref="SampleSinglePath"/>.</summary>
    public override void Reset() => SampleSinglePath();

    /// <summary>Draws one candidate per key from softmax(α); only it runs.</summary>
    public void SampleSinglePath()
    {
        pairs.Clear();
        foreach (var (key, probabilities) in Weights())
        {
            int chosen = random.Categorical(probabilities);
            using var mask = tensor(Enumerable.Range(0, probabilities.Length).Select(i => i == chosen).ToArray());
            SetDecision(key, mask);
        }
    }

    /// <summary>
    /// Draws two distinct candidates per key from softmax(α) and the active one among them; the gates live in the
    /// caller's dispose scope, so draw, forward and <see cref="SetArchitectureGradients"/> in one.
    /// </summary>
    public void SampleTwoPaths()
    {
        pairs.Clear();
        foreach (var (key, probabilities) in Weights())
        {
            if (probabilities.Length == 1)
            {
                SetPair(key, 0, 0, 0);
                continue;
            }
            int first = random.Categorical(probabilities);
            var rest = (float[])probabilities.Clone();
            rest[first] = 0;
            int second = random.Categorical(rest);
            var pair = PairProbabilities(key, first, second);
            SetPair(key, first, second, random.Categorical(pair) == 0 ? first : second);
        }
    }

    /// <summary>
    /// Gives every α the two-path estimate of ∂<paramref name="loss"/>/∂α from the gates' gradients (see the class
    /// summary), plus the exact gradient of any term of the loss that reads α itself (<see cref="ExpectedLatency"/>);
    /// the weights get no gradient.
    /// </summary>
    /// <exception cref="InvalidOperationException">The forward did not run under <see cref="SampleTwoPaths"/>.</exception>
    public void SetArchitectureGradients(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (pairs.Count == 0)
        {
            throw new InvalidOperationException("Draw two paths (SampleTwoPaths) before the forward whose architecture gradient is wanted.");
        }
        var keys = pairs.Keys.Where(k => pairs[k].Gates.requires_grad).ToList();
        var keyOrder = alphas.Keys.ToList();
        // The gates carry the two-path estimate; a term of the loss that reads α itself (the expected latency) adds its
        // exact gradient.
        var gradients = loss.requires_grad
            ? autograd.grad([loss], [.. keys.Select(k => pairs[k].Gates), .. keyOrder.Select(k => (Tensor)alphas[k])], allow_unused: true)
            : [];
        var gateGradients = gradients.Take(keys.Count).ToList();
        using var noGrad = no_grad();
        foreach (var (key, alpha) in alphas)
        {
            var gradient = new float[alpha.shape[0]];
            if (gradients.Count > 0 && gradients[keys.Count + keyOrder.IndexOf(key)] is { } direct && !direct.IsInvalid)
            {
                gradient = direct.to(ScalarType.Float32).cpu().data<float>().ToArray();
            }
            int index = keys.IndexOf(key);
            if (index >= 0 && gateGradients[index] is { } g && !g.IsInvalid)
            {
                var (first, second, _, _) = pairs[key];
                var gate = g.to(ScalarType.Float32).cpu().data<float>().ToArray();
                var p = PairProbabilities(key, first, second);
                int[] paths = [first, second];
                for (int i = 0; i < 2; i++)
                {
                    for (int j = 0; j < 2; j++)
                    {
                        gradient[paths[i]] += gate[j] * p[j] * ((i == j ? 1 : 0) - p[i]);
                    }
                }
            }
            using var value = tensor(gradient).to(alpha.dtype).to(alpha.device);
            alpha.grad = value.clone();
        }
        foreach (var key in pairs.Keys)
        {
            beforeStep[key] = alphas[key].detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
        }
    }

    /// <summary>
    /// After the optimizer's step: shifts the two weights of each key's drawn pair by the same amount, so that their
    /// log-sum-exp is what it was before the step and the other candidates keep their probabilities.
    /// </summary>
    public void RescaleSampledWeights()
    {
        using var noGrad = no_grad();
        foreach (var (key, (first, second, _, _)) in pairs)
        {
            if (first == second || !beforeStep.TryGetValue(key, out var old))
            {
                continue;
            }
            var alpha = alphas[key];
            var now = alpha.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
            double offset = LogSumExp(now[first], now[second]) - LogSumExp(old[first], old[second]);
            now[first] -= (float)offset;
            now[second] -= (float)offset;
            using var values = tensor(now).to(alpha.dtype).to(alpha.device);
            alpha.copy_(values);
        }
        beforeStep.Clear();
        pairs.Clear();
    }

    /// <summary>
    /// The expected latency in milliseconds at <paramref name="batchSize"/> under the path probabilities:
    /// <c>fixed + Σ_key Σ_i softmax(α)_i · lat_i</c> with <paramref name="table"/>'s entries, differentiable in α
    /// (∂E/∂p_i = lat_i), as ProxylessNAS's latency loss needs. A scalar on α's device.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The table lacks one of this mutator's keys.</exception>
    public Tensor ExpectedLatency(LatencyTable table, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var scope = NewDisposeScope();
        Tensor expected = tensor(table.FixedMilliseconds(batchSize));
        foreach (var decision in Decisions)
        {
            var alpha = alphas[decision.Key];
            var latencies = tensor(Enumerable.Range(0, decision.CandidateCount).Select(i => (float)table.CandidateMilliseconds(decision.Key, i, batchSize)).ToArray())
                .to(alpha.dtype).to(alpha.device);
            expected = expected.to(alpha.dtype).to(alpha.device) + (nn.functional.softmax(alpha, 0) * latencies).sum();
        }
        return expected.MoveToOuterDisposeScope();
    }

    /// <summary>softmax(α) per key.</summary>
    public IReadOnlyDictionary<string, float[]> Weights()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Decisions.ToDictionary(d => d.Key,
            d => nn.functional.softmax(alphas[d.Key], 0).to(ScalarType.Float32).cpu().data<float>().ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The argmax of α per key (the first of equals).</summary>
    public override Architecture Export()
    {
        var weights = Weights();
        var chosen = Decisions.ToDictionary(d => d.Key, d =>
        {
            var w = weights[d.Key];
            int best = Array.IndexOf(w, w.Max());
            return Enumerable.Range(0, w.Length).Select(i => i == best).ToArray();
        }, StringComparer.Ordinal);
        return ArchitectureResolver.FromMasks(SearchSpace, chosen);
    }

    /// <summary>For tests: sets key <paramref name="key"/>'s drawn pair and active path as <see cref="SampleTwoPaths"/> would.</summary>
    internal void SetPair(string key, int first, int second, int active)
    {
        using var scope = NewDisposeScope();
        var gates = tensor(new[] { active == first ? 1f : 0f, active == first ? 0f : 1f }, requires_grad: first != second);
        pairs[key] = (first, second, active, gates.MoveToOuterDisposeScope());
        using var mask = tensor(Enumerable.Range(0, SearchSpace[key].CandidateCount).Select(i => i == active).ToArray());
        SetDecision(key, mask);
    }

    /// <inheritdoc/>
    protected internal override ChoiceOutput OnForwardLayerChoice(LayerChoice choice, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(choice);
        if (!pairs.TryGetValue(choice.Key, out var pair) || pair.First == pair.Second)
        {
            return base.OnForwardLayerChoice(choice, input);
        }
        var candidates = choice.Candidates;
        var gates = pair.Gates.to(input.dtype).to(input.device);
        // The inactive path's gate is 0, so it reaches the loss only through its gate's gradient ⟨∂L/∂y, o⟩: it runs
        // without a graph (as NNI's two-path mode detaches it), and the backward and the memory are the active path's.
        Tensor Run(int candidate)
        {
            if (candidate == pair.Active)
            {
                return candidates[candidate].call(input);
            }
            using (no_grad())
            {
                return candidates[candidate].call(input);
            }
        }
        var output = Run(pair.First).mul(gates[0]).add(Run(pair.Second).mul(gates[1]));
        return new ChoiceOutput(output, [output], null);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            pairs.Clear();
            foreach (var alpha in alphas.Values)
            {
                alpha.Dispose();
            }
            alphas.Clear();
        }
        base.Dispose(disposing);
    }

    private float[] PairProbabilities(string key, int first, int second)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var alpha = alphas[key].detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
        double a = alpha[first], b = alpha[second], m = Math.Max(a, b);
        double ea = Math.Exp(a - m), eb = Math.Exp(b - m);
        return [(float)(ea / (ea + eb)), (float)(eb / (ea + eb))];
    }

    private static double LogSumExp(double a, double b)
    {
        double m = Math.Max(a, b);
        return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
    }
}
