using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// The ENAS controller's weights: a stack of LSTM cells without bias; for each number of candidates that the space's
/// LayerChoices have, a softmax head and an embedding; and the attention (anchor, query, v) that scores the inputs of an
/// InputChoice. <see cref="EnasMutator"/> runs it; the trainer optimizes its <c>parameters()</c> and checkpoints its
/// <c>state_dict()</c>.
/// </summary>
/// <remarks>
/// NNI has one head, so every LayerChoice must have the same number of candidates. Here a space whose LayerChoices all
/// have K candidates gets exactly NNI's controller (one head <c>choiceHead</c>, one embedding <c>choiceEmbedding</c>,
/// the same initial weights for a seed); a space with several sizes gets a head and an embedding per size
/// (<c>choiceHead{K}</c>, <c>choiceEmbedding{K}</c>), shared by the LayerChoices of that size, drawn after NNI's weights.
/// </remarks>
internal sealed class EnasController : nn.Module
{
    private readonly ModuleList<LSTMCell> lstm;
    private readonly Linear attentionAnchor;
    private readonly Linear attentionQuery;
    private readonly Linear attentionScore;
    private readonly Parameter startInput;
    private readonly Dictionary<int, (Linear Head, Embedding Embedding)> heads = [];

    /// <summary>Creates the weights for a space whose LayerChoices all have <paramref name="layerChoiceCandidates"/> candidates.</summary>
    /// <param name="lstmSize">Hidden units per LSTM layer.</param>
    /// <param name="lstmLayers">Stacked LSTM layers.</param>
    /// <param name="layerChoiceCandidates">Candidates of every LayerChoice (0 when the space has none).</param>
    /// <param name="seed">Seeds the initial weights, independently of the global torch generator.</param>
    public EnasController(int lstmSize, int lstmLayers, int layerChoiceCandidates, int seed)
        : this(lstmSize, lstmLayers, layerChoiceCandidates == 0 ? [] : [layerChoiceCandidates], seed)
    {
    }

    /// <summary>Creates the weights, initialized as PyTorch initializes these layers, from <paramref name="seed"/>.</summary>
    /// <param name="lstmSize">Hidden units per LSTM layer.</param>
    /// <param name="lstmLayers">Stacked LSTM layers.</param>
    /// <param name="candidateCounts">
    /// The distinct numbers of candidates of the space's LayerChoices, in the order they first appear (empty when the
    /// space has none): one head each.
    /// </param>
    /// <param name="seed">Seeds the initial weights, independently of the global torch generator.</param>
    public EnasController(int lstmSize, int lstmLayers, IReadOnlyList<int> candidateCounts, int seed)
        : base(nameof(EnasController))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lstmSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lstmLayers, 1);
        ArgumentNullException.ThrowIfNull(candidateCounts);
        if (candidateCounts.Any(k => k < 1) || candidateCounts.Distinct().Count() != candidateCounts.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(candidateCounts), $"Candidate counts must be distinct and positive; got [{string.Join(", ", candidateCounts)}].");
        }
        LstmSize = lstmSize;
        CandidateCounts = [.. candidateCounts];
        lstm = new ModuleList<LSTMCell>(Enumerable.Range(0, lstmLayers).Select(_ => nn.LSTMCell(lstmSize, lstmSize, bias: false)).ToArray());
        attentionAnchor = nn.Linear(lstmSize, lstmSize, hasBias: false);
        attentionQuery = nn.Linear(lstmSize, lstmSize, hasBias: false);
        attentionScore = nn.Linear(lstmSize, 1, hasBias: false);
        startInput = new Parameter(zeros(1, lstmSize));
        RegisterComponents();
        foreach (int count in CandidateCounts)
        {
            // One size keeps NNI's names, so its state dict and checkpoints are NNI-shaped.
            string suffix = CandidateCounts.Count == 1 ? "" : count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var head = nn.Linear(lstmSize, count, hasBias: false);
            var embedding = nn.Embedding(count, lstmSize);
            register_module("choiceHead" + suffix, head);
            register_module("choiceEmbedding" + suffix, embedding);
            heads[count] = (head, embedding);
        }
        Initialize(seed);
    }

    /// <summary>Hidden units per LSTM layer.</summary>
    public int LstmSize { get; }

    /// <summary>The number of LSTM layers.</summary>
    public int LstmLayers => lstm.Count;

    /// <summary>The candidates of the first head (0 when the space has no LayerChoice); see <see cref="CandidateCounts"/>.</summary>
    public int CandidateCount => CandidateCounts.Count == 0 ? 0 : CandidateCounts[0];

    /// <summary>The numbers of candidates the heads serve, one head each, in the order of the space's LayerChoices.</summary>
    public IReadOnlyList<int> CandidateCounts { get; }

    /// <summary>The device the weights are on.</summary>
    public Device Device => startInput.device;

    /// <summary>The first LSTM input of every sample (the paper's <c>g_emb</c>).</summary>
    internal Tensor StartInput => startInput;

    /// <summary>One LSTM step: each layer's new (h, c), the input of layer i+1 being layer i's new h.</summary>
    internal (Tensor[] Hidden, Tensor[] Cell) Step(Tensor input, Tensor[] hidden, Tensor[] cell)
    {
        var nextHidden = new Tensor[lstm.Count];
        var nextCell = new Tensor[lstm.Count];
        for (int i = 0; i < lstm.Count; i++)
        {
            (nextHidden[i], nextCell[i]) = lstm[i].call(input, (hidden[i], cell[i]));
            input = nextHidden[i];
        }
        return (nextHidden, nextCell);
    }

    /// <summary>The logits [1, K] of a LayerChoice of <paramref name="candidates"/> for the top LSTM state <paramref name="hidden"/> [1, H].</summary>
    internal Tensor ChoiceLogits(int candidates, Tensor hidden) => Head(candidates).Head.call(hidden);

    /// <summary>The next LSTM input after choosing candidate <paramref name="index"/> of <paramref name="candidates"/>: its embedding [1, H].</summary>
    internal Tensor Embed(int candidates, int index)
    {
        using var indices = tensor(new long[] { index }, device: Device);
        return Head(candidates).Embedding.call(indices);
    }

    /// <summary>Attention scores [n, 1] of the inputs whose anchors are the rows of <paramref name="anchors"/> [n, H].</summary>
    internal Tensor InputScores(Tensor anchors, Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var query = tanh(attentionAnchor.call(anchors) + attentionQuery.call(hidden));
        return attentionScore.call(query).MoveToOuterDisposeScope();
    }

    private (Linear Head, Embedding Embedding) Head(int candidates) => heads.TryGetValue(candidates, out var head) ? head
        : throw new InvalidOperationException(
            $"This controller has heads for LayerChoices of [{string.Join(", ", CandidateCounts)}] candidates, not {candidates}: it was built for another space.");

    // PyTorch's default initializations, drawn from the seed's own stream (not the global torch generator), so the
    // seed alone decides the weights, on every device.
    private void Initialize(int seed)
    {
        var random = SamplerRandom.FromSeed(seed);
        double lstmBound = 1 / Math.Sqrt(LstmSize);
        foreach (var cell in lstm)
        {
            foreach (var (_, weight) in cell.named_parameters())
            {
                Fill(weight, () => (2 * random.NextDouble() - 1) * lstmBound);
            }
        }
        // NNI's order (attention, head, embedding, start input) for the first size keeps its weights for a seed; the heads
        // of further sizes are drawn after it.
        var first = CandidateCounts.Take(1).Select(k => heads[k]).ToList();
        var later = CandidateCounts.Skip(1).Select(k => heads[k]).ToList();
        foreach (var linear in new[] { attentionAnchor, attentionQuery, attentionScore }.Concat(first.Select(h => h.Head)))
        {
            FillLinear(linear, random);
        }
        foreach (var (_, embedding) in first)
        {
            Fill(embedding.weight!, () => random.NextGaussian());
        }
        Fill(startInput, () => 0.1 * random.NextGaussian());
        foreach (var (head, embedding) in later)
        {
            FillLinear(head, random);
            Fill(embedding.weight!, () => random.NextGaussian());
        }
    }

    // kaiming_uniform_(a = √5), PyTorch's Linear default, is uniform(±1/√fan_in).
    private static void FillLinear(Linear linear, SamplerRandom random)
    {
        double bound = 1 / Math.Sqrt(linear.weight!.shape[1]);
        Fill(linear.weight, () => (2 * random.NextDouble() - 1) * bound);
    }

    private static void Fill(Tensor parameter, Func<double> draw)
    {
        var values = new float[parameter.numel()];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)draw();
        }
        using var noGrad = no_grad();
        using var source = tensor(values, parameter.shape);
        parameter.copy_(source);
    }
}
