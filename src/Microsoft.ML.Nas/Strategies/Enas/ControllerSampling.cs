using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>
/// One walk of the controller over a search space: the LSTM state, the anchors of the scopes and inputs seen so far, and
/// the running log-probability, entropy and skip penalty of the sample. Every tensor it makes lives in the caller's
/// dispose scope; the caller keeps the three totals.
/// </summary>
internal sealed class ControllerSampling
{
    // Inputs without a key are told apart by their position, so the attention can score them differently.
    private const string AnonymousAnchorPrefix = "\0input";

    private readonly EnasController controller;
    private readonly EnasMutatorOptions options;
    private readonly SamplerRandom random;
    private readonly bool mostLikely;
    private readonly Dictionary<string, Tensor> anchors = new(StringComparer.Ordinal);
    private readonly Tensor skipTargets;
    private Tensor input;
    private Tensor[] hidden;
    private Tensor[] cell;

    /// <summary>Starts a walk that draws from <paramref name="random"/>, or, with <paramref name="mostLikely"/>, takes the likeliest choice each time and draws nothing.</summary>
    public ControllerSampling(EnasController controller, EnasMutatorOptions options, SamplerRandom random, bool mostLikely = false)
    {
        this.controller = controller;
        this.options = options;
        this.random = random;
        this.mostLikely = mostLikely;
        var device = controller.Device;
        input = controller.StartInput;
        hidden = Enumerable.Range(0, controller.LstmLayers).Select(_ => zeros(1, controller.LstmSize, device: device)).ToArray();
        cell = Enumerable.Range(0, controller.LstmLayers).Select(_ => zeros(1, controller.LstmSize, device: device)).ToArray();
        skipTargets = tensor(new[] { (float)(1 - options.SkipTarget), (float)options.SkipTarget }, device: device);
        LogProbability = zeros(Array.Empty<long>(), device: device);
        Entropy = zeros(Array.Empty<long>(), device: device);
        SkipPenalty = zeros(Array.Empty<long>(), device: device);
    }

    /// <summary>Σ log p of the choices made so far (in the graph when gradients are on).</summary>
    public Tensor LogProbability { get; private set; }

    /// <summary>Σ −p·log p of the choices made so far (the ENAS paper's sample entropy; no gradient).</summary>
    public Tensor Entropy { get; private set; }

    /// <summary>Σ KL(keep probability ‖ skip target) over the any-subset InputChoices so far.</summary>
    public Tensor SkipPenalty { get; private set; }

    /// <summary>
    /// The draws added to <see cref="LogProbability"/> so far: one per LayerChoice and single InputChoice, one per input
    /// drawn for a k-of-n InputChoice, one per any-subset InputChoice.
    /// </summary>
    public int Decisions { get; private set; }

    /// <summary>Samples one candidate of a LayerChoice from the head of its size; the next LSTM input is its embedding.</summary>
    public bool[] SampleLayerChoice(DecisionInfo decision, Tensor? bias)
    {
        Step();
        var logits = Shape(controller.ChoiceLogits(decision.CandidateCount, hidden[^1]));
        if (bias is not null)
        {
            logits = logits + bias;
        }
        var logProbabilities = nn.functional.log_softmax(logits, 1).view(-1);
        int index = Draw(Probabilities(logProbabilities));
        AddChoice(logProbabilities[index]);
        input = controller.Embed(decision.CandidateCount, index);
        var chosen = new bool[decision.CandidateCount];
        chosen[index] = true;
        return chosen;
    }

    /// <summary>
    /// Samples the inputs of an InputChoice by attention over their anchors: one input (nChosen = 1), k distinct inputs
    /// drawn one after another (nChosen = k), or an independent keep/skip draw per input (nChosen = null), which also
    /// adds to the skip penalty.
    /// </summary>
    public bool[] SampleInputChoice(DecisionInfo decision)
    {
        var inputAnchors = decision.ChooseFrom.Select(AnchorOf).ToArray();
        var stacked = cat(inputAnchors, 0);
        var scores = Shape(controller.InputScores(stacked, hidden[^1]));
        var chosen = new bool[decision.CandidateCount];
        if (decision.NChosen == 1)
        {
            var logProbabilities = nn.functional.log_softmax(scores.view(-1), 0);
            int index = Draw(Probabilities(logProbabilities));
            AddChoice(logProbabilities[index]);
            input = inputAnchors[index];
            chosen[index] = true;
            return chosen;
        }
        if (decision.NChosen is { } k)
        {
            return SampleDistinct(scores.view(-1), stacked, k, chosen);
        }
        var logits = cat([-scores, scores], 1);
        var pairLogProbabilities = nn.functional.log_softmax(logits, 1);
        var probabilities = Probabilities(pairLogProbabilities);
        var keep = new long[chosen.Length];
        for (int i = 0; i < chosen.Length; i++)
        {
            keep[i] = Draw(probabilities.AsSpan(2 * i, 2));
            chosen[i] = keep[i] == 1;
        }
        var keepIndex = tensor(keep, device: controller.Device);
        var chosenLogProbabilities = pairLogProbabilities.gather(1, keepIndex.view(-1, 1)).view(-1);
        AddChoice(chosenLogProbabilities);
        var pairProbabilities = sigmoid(logits);
        SkipPenalty = SkipPenalty + (pairProbabilities * log(pairProbabilities / skipTargets)).sum();
        var keptCount = keep.Sum();
        input = (matmul(keepIndex.to(stacked.dtype).view(1, -1), stacked) / (1 + keptCount));
        return chosen;
    }

    // NNI's controller has no rule for k > 1 of n. Drawing k times without replacement from the softmax over the inputs
    // not yet drawn (a Plackett–Luce draw) keeps each draw's log p exact for REINFORCE; the next LSTM input is the kept
    // anchors' sum over (1 + k), as for an any-subset choice.
    private bool[] SampleDistinct(Tensor scores, Tensor anchors, int count, bool[] chosen)
    {
        var excluded = new float[chosen.Length];
        for (int draw = 0; draw < count; draw++)
        {
            var logProbabilities = nn.functional.log_softmax(scores + tensor(excluded, device: controller.Device), 0);
            int index = Draw(Probabilities(logProbabilities));
            AddChoice(logProbabilities[index]);
            chosen[index] = true;
            excluded[index] = float.NegativeInfinity;
        }
        var keep = tensor(chosen.Select(c => c ? 1f : 0f).ToArray(), device: controller.Device).to(anchors.dtype);
        input = matmul(keep.view(1, -1), anchors) / (1 + count);
        return chosen;
    }

    /// <summary>Leaving a scope: its anchor is the top LSTM state (after one more step with the cell-exit option).</summary>
    public void ExitScope(string key)
    {
        if (anchors.ContainsKey(key))
        {
            return;
        }
        if (options.CellExitExtraStep)
        {
            Step();
        }
        anchors[key] = hidden[^1];
    }

    private Tensor AnchorOf(string label, int position)
    {
        string key = label.Length == 0 ? AnonymousAnchorPrefix + position : label;
        if (!anchors.TryGetValue(key, out var anchor))
        {
            // An input that no scope marked (an input of the network, say) gets a state of its own from one LSTM step.
            Step();
            anchor = hidden[^1];
            anchors[key] = anchor;
        }
        return anchor;
    }

    private void Step() => (hidden, cell) = controller.Step(input, hidden, cell);

    private int Draw(ReadOnlySpan<float> probabilities)
    {
        if (!mostLikely)
        {
            return random.Categorical(probabilities);
        }
        int best = 0;
        for (int i = 1; i < probabilities.Length; i++)
        {
            best = probabilities[i] > probabilities[best] ? i : best;
        }
        return best;
    }

    private Tensor Shape(Tensor logits)
    {
        if (options.Temperature is { } temperature)
        {
            logits = logits / temperature;
        }
        if (options.TanhConstant is { } constant)
        {
            logits = tanh(logits) * constant;
        }
        return logits;
    }

    /// <summary>Adds one choice's log-probabilities (one per draw) to the sample, reduced as the options say.</summary>
    private void AddChoice(Tensor logProbabilities)
    {
        var entropy = (-logProbabilities * exp(logProbabilities)).detach();
        bool mean = options.EntropyReduction == EntropyReduction.Mean;
        LogProbability = LogProbability + (mean ? logProbabilities.mean() : logProbabilities.sum());
        Entropy = Entropy + (mean ? entropy.mean() : entropy.sum());
        Decisions++;
    }

    // Each draw happens on the host (SamplerRandom, the same on every device), so on CUDA every decision waits for the
    // controller's kernels: one synchronization per choice, as NNI's .item() calls make.
    private static float[] Probabilities(Tensor logProbabilities)
    {
        var probabilities = logProbabilities.detach().exp().to(ScalarType.Float32).cpu();
        return probabilities.data<float>().ToArray();
    }
}
