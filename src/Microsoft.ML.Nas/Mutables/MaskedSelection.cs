using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>Runs the candidates a mask selects and reduces their outputs; shared by both choice kinds.</summary>
internal static class MaskedSelection
{
    /// <summary>Reads a decision mask: its values as floats (1/0 for bool) and whether it is a float (weighting) mask.</summary>
    public static (float[] Values, bool Weighted) Read(Tensor mask, int count, string what, string key)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.dim() != 1 || mask.size(0) != count)
        {
            throw new ArgumentException(
                $"{what} '{key}' has {count} candidates, but its mask has shape [{string.Join(", ", mask.shape)}]; expected [{count}].",
                nameof(mask));
        }
        bool weighted = mask.is_floating_point();
        if (!weighted && mask.dtype != ScalarType.Bool)
        {
            throw new ArgumentException($"{what} '{key}': a mask must be bool (choose) or floating point (weights), not {mask.dtype}.", nameof(mask));
        }
        using var scope = NewDisposeScope();
        // The built-in mutators hold CPU masks, so on CUDA this reads host memory and waits for nothing (a mask on the GPU
        // would cost one synchronization); DARTS's weights, on the device, never come here (DartsMutator mixes there).
        var values = mask.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
        return (values, weighted);
    }

    /// <summary>
    /// Runs candidate <c>i</c> (via <paramref name="produce"/>, which returns null for a missing input) for every
    /// selected <c>i</c>; under a float mask each output is multiplied by its weight (kept in the graph, so gradients
    /// reach the weights).
    /// </summary>
    public static ChoiceOutput Run(Func<int, Tensor?> produce, Tensor mask, int count, Reduction reduction, bool returnMask, string what, string key)
    {
        var (values, weighted) = Read(mask, count, what, key);
        var outputs = new List<Tensor>();
        for (int i = 0; i < count; i++)
        {
            if (values[i] == 0f)
            {
                continue;
            }
            var output = produce(i);
            if (output is null)
            {
                continue;
            }
            outputs.Add(weighted ? output * mask[i] : output);
        }
        return new ChoiceOutput(Reduce(outputs, reduction), outputs, returnMask ? mask.alias() : null);
    }

    /// <summary>Runs every candidate <paramref name="produce"/> offers, unscaled, or scaled by fixed weights.</summary>
    public static ChoiceOutput RunFixed(Func<int, Tensor?> produce, int count, float[]? weights, Reduction reduction, Func<Tensor>? mask)
    {
        var outputs = new List<Tensor>();
        for (int i = 0; i < count; i++)
        {
            var output = produce(i);
            if (output is not null)
            {
                if (weights is null)
                {
                    outputs.Add(output);
                    continue;
                }
                using var weight = weights[i].ToScalar();
                outputs.Add(output.mul(weight));
            }
        }
        return new ChoiceOutput(Reduce(outputs, reduction), outputs, mask?.Invoke());
    }

    private static Tensor? Reduce(List<Tensor> outputs, Reduction reduction)
    {
        if (reduction == Reduction.None || outputs.Count == 0)
        {
            return null;
        }
        if (outputs.Count == 1)
        {
            return outputs[0];
        }
        switch (reduction)
        {
            case Reduction.Concat:
                return cat(outputs, 1);
            case Reduction.Sum:
            case Reduction.Mean:
                var sum = outputs[0].add(outputs[1], Runtime.SharedScalars.One);
                for (int i = 2; i < outputs.Count; i++)
                {
                    sum = sum.add(outputs[i], Runtime.SharedScalars.One);
                }
                if (reduction == Reduction.Sum)
                {
                    return sum;
                }
                using (var count = outputs.Count.ToScalar())
                {
                    return sum.div(count);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction.");
        }
    }
}
