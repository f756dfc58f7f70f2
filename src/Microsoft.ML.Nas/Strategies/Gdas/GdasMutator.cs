using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Gdas;

/// <summary>
/// GDAS's sampler (Dong and Yang, arXiv 1910.04465): every <see cref="Reset"/> draws, for each key, a hard
/// Gumbel-softmax sample of its alphas at <see cref="Temperature"/>; a LayerChoice then runs only the sampled candidate
/// (the time and memory of one path) and multiplies its output by the sample's hard weight, which is exactly 1 in the
/// forward and carries the soft sample's gradient to the alphas (straight-through).
/// </summary>
/// <remarks>
/// <para>The alphas are DARTS's (<see cref="DifferentiableMutator"/>) without the implicit "none" op: a sampled "none"
/// would leave a node nothing to sum, and the export excludes it anyway. Cells sharing a key share its sample in a
/// forward, as they share its alphas. An InputChoice over edges sums them all, as in DARTS (GDAS's node sums one
/// sampled op per incoming edge); an InputChoice with alphas of its own takes one sampled input per step.</para>
/// <para>With <see cref="DifferentiableMutator.ArchitectureGradients"/> off (a weight step) the sample is drawn from
/// detached alphas and the chosen output is used as it is. The export is DARTS's.</para>
/// </remarks>
public sealed class GdasMutator : DifferentiableMutator
{
    private readonly Dictionary<string, (Tensor Hard, int Index)> samples = new(StringComparer.Ordinal);
    private double temperature = 10;

    /// <summary>Binds to <paramref name="model"/> and creates its alphas (1e-3·N(0,1), torch's generator) beside its parameters.</summary>
    /// <exception cref="ArgumentException">
    /// The model has no LayerChoice, or an InputChoice that gets alphas concatenates several inputs.
    /// </exception>
    public GdasMutator(nn.Module model) : base(model, hasNone: false)
    {
    }

    /// <summary>The Gumbel-softmax temperature τ of the next samples; default 10 (the start of GDAS's schedule).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a positive number.</exception>
    public double Temperature
    {
        get => temperature;
        set
        {
            if (!(value > 0 && double.IsFinite(value)))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The Gumbel-softmax temperature must be a positive number.");
            }
            temperature = value;
        }
    }

    /// <summary>The candidate (or input) index sampled for each key with alphas by the last <see cref="Reset"/>.</summary>
    public IReadOnlyDictionary<string, int> SampledIndices => samples.ToDictionary(p => p.Key, p => p.Value.Index, StringComparer.Ordinal);

    /// <summary>Draws the samples of the next forward(s), in the caller's dispose scope (one host read for all keys).</summary>
    public override void Reset()
    {
        samples.Clear();
        var keys = new List<string>(Alphas.Count);
        var hards = new List<Tensor>(Alphas.Count);
        var indices = new List<Tensor>(Alphas.Count);
        foreach (var (key, alpha) in Alphas)
        {
            var source = ArchitectureGradients ? alpha : alpha.detach();
            var (hard, _, index) = GumbelSoftmax.Sample(source, GumbelSoftmax.Noise(source), temperature);
            keys.Add(key);
            hards.Add(hard);
            indices.Add(index);
        }
        using var chosen = stack(indices).cpu();
        var host = chosen.data<long>().ToArray();
        for (int i = 0; i < keys.Count; i++)
        {
            samples[keys[i]] = (hards[i], (int)host[i]);
        }
    }

    /// <inheritdoc/>
    protected internal override Tensor MaskFor(DecisionInfo decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return HasAlphas(decision.Key) ? Sampled(decision.Key).Hard : ones(decision.CandidateCount, dtype: ScalarType.Bool);
    }

    /// <inheritdoc/>
    protected internal override ChoiceOutput OnForwardLayerChoice(LayerChoice choice, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var (hard, index) = Sampled(choice.Key);
        var output = choice.Candidates[index].call(input);
        if (!ArchitectureGradients)
        {
            return Single(output);
        }
        var weighted = output.mul(hard[index]);
        if (!ReferenceEquals(output, input))
        {
            output.Dispose();
        }
        return Single(weighted);
    }

    /// <inheritdoc/>
    protected internal override ChoiceOutput OnForwardInputChoice(InputChoice choice, IReadOnlyList<Tensor?> inputs)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!HasAlphas(choice.Key))
        {
            return ForwardAllInputs(choice, inputs);
        }
        var (hard, index) = Sampled(choice.Key);
        var input = inputs[index];
        return Single(input is null || !ArchitectureGradients ? input : input.mul(hard[index]));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            samples.Clear();
        }
        base.Dispose(disposing);
    }

    private (Tensor Hard, int Index) Sampled(string key)
    {
        if (!samples.TryGetValue(key, out var sample) || sample.Hard.IsInvalid)
        {
            // A forward without Reset (or after its scope ended): sample afresh for this forward.
            Reset();
            sample = samples[key];
        }
        return sample;
    }
}
