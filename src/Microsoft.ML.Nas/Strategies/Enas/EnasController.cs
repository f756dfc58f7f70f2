using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// The ENAS controller's weights: a stack of LSTM cells without bias, a softmax head and an embedding shared by every
/// LayerChoice, and the attention (anchor, query, v) that scores the inputs of an InputChoice. <see cref="EnasMutator"/>
/// runs it; the trainer optimizes its <c>parameters()</c> and checkpoints its <c>state_dict()</c>.
/// </summary>
internal sealed class EnasController : nn.Module
{
    private readonly ModuleList<LSTMCell> lstm;
    private readonly Linear attentionAnchor;
    private readonly Linear attentionQuery;
    private readonly Linear attentionScore;
    private readonly Linear? choiceHead;
    private readonly Embedding? choiceEmbedding;
    private readonly Parameter startInput;

    /// <summary>Creates the weights, initialized as PyTorch initializes these layers, from <paramref name="seed"/>.</summary>
    /// <param name="lstmSize">Hidden units per LSTM layer.</param>
    /// <param name="lstmLayers">Stacked LSTM layers.</param>
    /// <param name="layerChoiceCandidates">Candidates of every LayerChoice (0 when the space has none).</param>
    /// <param name="seed">Seeds the initial weights, independently of the global torch generator.</param>
    public EnasController(int lstmSize, int lstmLayers, int layerChoiceCandidates, int seed)
        : base(nameof(EnasController))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lstmSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lstmLayers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(layerChoiceCandidates);
        LstmSize = lstmSize;
        CandidateCount = layerChoiceCandidates;
        lstm = new ModuleList<LSTMCell>(Enumerable.Range(0, lstmLayers).Select(_ => nn.LSTMCell(lstmSize, lstmSize, bias: false)).ToArray());
        attentionAnchor = nn.Linear(lstmSize, lstmSize, hasBias: false);
        attentionQuery = nn.Linear(lstmSize, lstmSize, hasBias: false);
        attentionScore = nn.Linear(lstmSize, 1, hasBias: false);
        if (layerChoiceCandidates > 0)
        {
            choiceHead = nn.Linear(lstmSize, layerChoiceCandidates, hasBias: false);
            choiceEmbedding = nn.Embedding(layerChoiceCandidates, lstmSize);
        }
        startInput = new Parameter(zeros(1, lstmSize));
        RegisterComponents();
        Initialize(seed);
    }

    /// <summary>Hidden units per LSTM layer.</summary>
    public int LstmSize { get; }

    /// <summary>The number of LSTM layers.</summary>
    public int LstmLayers => lstm.Count;

    /// <summary>Candidates of every LayerChoice of the space (0 when it has none).</summary>
    public int CandidateCount { get; }

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

    /// <summary>The LayerChoice logits [1, K] for the top LSTM state <paramref name="hidden"/> [1, H].</summary>
    internal Tensor ChoiceLogits(Tensor hidden) => RequireChoiceHead().Head.call(hidden);

    /// <summary>The next LSTM input after choosing candidate <paramref name="index"/>: its embedding [1, H].</summary>
    internal Tensor Embed(int index)
    {
        using var indices = tensor(new long[] { index }, device: Device);
        return RequireChoiceHead().Embedding.call(indices);
    }

    /// <summary>Attention scores [n, 1] of the inputs whose anchors are the rows of <paramref name="anchors"/> [n, H].</summary>
    internal Tensor InputScores(Tensor anchors, Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var query = tanh(attentionAnchor.call(anchors) + attentionQuery.call(hidden));
        return attentionScore.call(query).MoveToOuterDisposeScope();
    }

    private (Linear Head, Embedding Embedding) RequireChoiceHead() => choiceHead is not null && choiceEmbedding is not null
        ? (choiceHead, choiceEmbedding)
        : throw new InvalidOperationException("This controller was built for a space without LayerChoices, so it has no choice head.");

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
        foreach (var linear in new[] { attentionAnchor, attentionQuery, attentionScore, choiceHead })
        {
            if (linear is not null)
            {
                // kaiming_uniform_(a = √5), PyTorch's Linear default, is uniform(±1/√fan_in).
                double bound = 1 / Math.Sqrt(linear.weight!.shape[1]);
                Fill(linear.weight, () => (2 * random.NextDouble() - 1) * bound);
            }
        }
        if (choiceEmbedding is not null)
        {
            Fill(choiceEmbedding.weight!, () => random.NextGaussian());
        }
        Fill(startInput, () => 0.1 * random.NextGaussian());
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
